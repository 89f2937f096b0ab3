// The collector's bookkeeping and the periodic maintenance the manual calls `cron`:
// alerts, stats.log, mail, log rotation and expiry, disk space, its own state file.

#include <spdlog/spdlog.h>

#include <map>
#include <utility>
#include <vector>

#include "collector/collector.h"
#include "common/file_util.h"
#include "messages/codec.h"

namespace bc::collector {
namespace {

constexpr std::size_t kRecentAlerts = 100;
constexpr std::chrono::minutes kSummaryTimeout{5};

std::string notice_text(const Notice& n) {
  std::string text = n.note + ": " + n.msg + "\n\n";
  for (const auto& [label, value] : {std::pair<const char*, const std::string*>{"time", &n.ts},
                                     {"source", &n.src},
                                     {"destination", &n.dst},
                                     {"port", &n.port},
                                     {"reported by", &n.node}}) {
    if (!value->empty()) text += std::string(label) + ": " + *value + "\n";
  }
  return text;
}

bool is_conn_log(const std::string& path) {
  const auto slash = path.rfind('/');
  return path.compare(slash == std::string::npos ? 0 : slash + 1, 5, "conn.") == 0;
}

}  // namespace

double Collector::unix_now() const {
  return static_cast<double>(clock_.wall_us()) / 1e6;
}

void Collector::alert(std::string_view kind, const std::string& severity,
                      const std::string& message, const std::string& host,
                      const std::string& node) {
  msg::Alert a;
  a.kind = std::string(kind);
  a.severity = severity;
  a.message = message;
  if (!host.empty()) a.subject_host = host;
  if (!node.empty()) a.node = node;
  events_.publish(a);
  recent_alerts_.push_back(a);
  if (recent_alerts_.size() > kRecentAlerts) recent_alerts_.pop_front();
  interval_alerts_.push_back(a);
}

void Collector::action(const std::string& host, const std::string& node, const std::string& what,
                       const std::string& detail) {
  if (Status s = stats_log_.action(unix_now(), host, node, what, detail); !s.is_ok()) {
    spdlog::warn("stats.log: {}", s.message());
  }
}

void Collector::write_stats() {
  const double now = unix_now();
  for (const auto& [name, node] : view_.nodes()) {
    if (!node.stats || node.state != NodeState::kRunning) continue;
    const msg::NodeStats& s = *node.stats;
    const StatsSample sample{s.cpu_pct,      s.rss_bytes,        s.vsize_bytes,    s.cpu_user_s,
                             s.cpu_system_s, s.packets_received, s.packets_dropped};
    Status st = stats_log_.sample(now, node.spec.host, name,
                                  std::string(config::node_type_name(node.spec.type)), sample);
    if (!st.is_ok()) {
      spdlog::warn("stats.log: {}", st.message());
      break;
    }
  }
  timers_.schedule(clock_.now() + options_.stats_log_interval, [this] { write_stats(); });
}

void Collector::on_crash_report(const msg::CrashReport& r) {
  report_crash(r, false);
}

void Collector::report_crash(const msg::CrashReport& r, bool late) {
  if (late ? !crash_mail_.is_new(r.env.host, r.record_dir, r.ended_at)
           : crash_mail_.was_mailed(r.env.host, r.record_dir)) {
    return;
  }
  crash_mail_.mailed(r.env.host, r.record_dir, r.ended_at);
  const std::string how = r.exit_code >= 0 ? "exit code " + std::to_string(r.exit_code)
                          : r.signal > 0   ? "signal " + std::to_string(r.signal)
                                           : "exit status unknown";
  alert(msg::kAlertNodeCrashed, "error",
        r.node + " on " + r.env.host + " crashed (" + how + ")" +
            (late ? ", found in its crash records" : ""),
        r.env.host, r.node);
  // The manual's crash notification: what happened to the node, and why it crashed. The
  // node_state event came first (docs/PROTOCOL.md), so its care has decided already.
  std::string body = "Node " + r.node + " on " + r.env.host + " terminated unexpectedly" +
                     (late ? "" : " and " + crash_fate(r.node)) + ".\n\n";
  if (late) {
    body +=
        "The collector did not hear of it when it happened (it was down, or the bus was "
        "interrupted); this report comes from the host's crash records.\n\n";
  }
  body += "Crash record on " + r.env.host + ": " + r.record_dir + "\n";
  if (r.core_path) body += "Core file: " + *r.core_path + "\n";
  if (r.core_note) body += "Core: " + *r.core_note + "\n";
  body += "\n";
  body += "==== stderr (tail)\n" + r.stderr_tail + "\n==== stdout (tail)\n" + r.stdout_tail + "\n";
  if (r.backtrace) body += "==== backtrace\n" + *r.backtrace + "\n";
  (void)mailer_.send("crash report: " + r.node + " on " + r.env.host, body);
  // Kept at once: a collector killed now must neither lose this mail nor send it again.
  save_state();
}

void Collector::fetch_crashes(const std::string& host, std::int64_t since) {
  (void)requests_.send(host, "crashes", msg::Value::empty_map().set("since", since),
                       options_.comm_timeout, [this, host](const Result<msg::Reply>& reply) {
                         // Unanswered: the next reconciliation asks again from the same mark.
                         if (reply.is_ok() && reply->ok && reply->result) {
                           on_crash_records(host, *reply->result);
                         }
                       });
}

void Collector::on_crash_records(const std::string& host, const msg::Value& result) {
  const msg::Value* records = result.find("records");
  if (records == nullptr || records->as_array() == nullptr) return;
  std::int64_t newest = 0;
  for (const msg::Value& v : *records->as_array()) {
    const msg::Binary* bytes = v.as_binary();
    if (bytes == nullptr) continue;
    auto r = msg::decode<msg::CrashReport>(
        std::string_view(reinterpret_cast<const char*>(bytes->bytes.data()), bytes->bytes.size()));
    if (!r.is_ok() || r->env.host != host) {
      spdlog::warn("ignored a crash record from {}: {}", host,
                   r.is_ok() ? "it names host " + r->env.host : r.status().message());
      continue;
    }
    // A record of a node node.cfg puts elsewhere (or nowhere) is not this host's to report.
    const std::string topic = msg::topic_for(*r);
    if (!intake_.believe(view_, topic, topic, host, &r->node, clock_.now())) continue;
    newest = std::max(newest, r->ended_at);
    const std::int64_t age_us = clock_.wall_us() - r->ended_at;
    if (age_us >= 0 && age_us < kLiveReportGrace.count() * 1000) {
      // Just ended: its live report is on its way (it and this answer travel apart), and
      // the mail should say what became of the node. Mailed as found only if it never comes.
      timers_.schedule(clock_.now() + kLiveReportGrace,
                       [this, rec = *r] { report_crash(rec, true); });
    } else {
      report_crash(*r, true);
    }
  }
  if (newest == 0) return;
  crash_mail_.listed(host, newest);
  save_state();
  if (result.get_bool("more").value_or(false)) fetch_crashes(host, newest);
}

void Collector::on_host_stats(const msg::HostStats& s) {
  HostView* host = view_.host(s.env.host);
  if (host == nullptr) return;
  host->disks = s.disks;
  // The paths of one filesystem fill up together: one alarm (and one mail) for them all.
  std::vector<std::pair<const msg::DiskUsage*, std::string>> filesystems;  // first, its paths
  std::map<std::uint64_t, std::size_t> by_device;
  for (const auto& d : s.disks) {
    if (d.device) {
      auto [it, added] = by_device.emplace(*d.device, filesystems.size());
      if (!added) {
        filesystems[it->second].second += ", " + d.path;
        continue;
      }
    }
    filesystems.emplace_back(&d, d.path);
  }
  for (const auto& [d, paths] : filesystems) {
    auto alarm = disk_watch_.observe(s.env.host, paths, d->avail_pct);
    if (!alarm) continue;
    char pct[32];
    std::snprintf(pct, sizeof pct, "%.1f%%", d->avail_pct);
    const std::string message =
        alarm->low ? "low disk space on " + s.env.host + ": " + paths + " has " + pct +
                         " available (MinDiskSpace " +
                         std::to_string(static_cast<int>(options_.min_disk_pct)) + "%)"
                   : "disk space on " + s.env.host + ": " + paths + " is back to " + pct;
    alert(msg::kAlertDiskSpace, alarm->low ? "warning" : "info", message, s.env.host);
    (void)mailer_.send(
        alarm->low ? "low disk space on " + s.env.host : "disk space ok on " + s.env.host,
        message + "\n");
  }
}

std::vector<std::string> Collector::run_cron(bool forced) {
  std::vector<std::string> done;
  if (!forced) timers_.schedule(clock_.now() + options_.cron_interval, [this] { run_cron(false); });
  if (!cron_enabled_) {
    spdlog::info("cron is disabled; maintenance skipped");
    return {"cron is disabled; nothing done (cron enable turns it on)"};
  }
  // Restarts first: reconciliation against every supervisor.
  for (const auto& [host, endpoint] : options_.supervisors)
    reconcile(host, "cron");
  done.push_back("asked " + std::to_string(options_.supervisors.size()) +
                 " supervisor(s) for their state; crashed nodes are restarted");
  for (const auto& [name, host] : view_.hosts()) {
    if (!host.up) done.push_back("host " + name + " is down");
    for (const auto& d : host.disks) {
      if (d.avail_pct < options_.min_disk_pct) {
        done.push_back("low disk space on " + name + ": " + d.path);
      }
    }
  }
  const std::int64_t now_us = clock_.wall_us();
  const auto now = std::chrono::system_clock::time_point(std::chrono::microseconds(now_us));
  if (last_rotation_us_ == 0) last_rotation_us_ = now_us;
  if (now_us - last_rotation_us_ >= options_.log_rotation_interval.count() * 1000) {
    const auto since =
        std::chrono::system_clock::time_point(std::chrono::microseconds(last_rotation_us_));
    check_notices();  // everything written before the rotation, from the old file
    const ArchiveReport rotated = archiver_.rotate(since, now);
    summarize_traffic(rotated.archived, done);
    done.push_back("rotated logs: " + std::to_string(rotated.archived.size()) + " archived, " +
                   std::to_string(rotated.discarded.size()) + " discarded");
    for (const auto& e : rotated.errors)
      done.push_back("rotation error: " + e);
    last_rotation_us_ = now_us;
    if (options_.mail_alarms && !interval_alerts_.empty()) {
      std::string body;
      for (const auto& a : interval_alerts_)
        body += options_.mail_alarm_prefix + " [" + a.kind + "] " + a.message + "\n";
      (void)mailer_.send("alarm summary", body);
      done.push_back("mailed the alarm summary (" + std::to_string(interval_alerts_.size()) +
                     " alerts)");
    }
    interval_alerts_.clear();
  }
  const ArchiveReport expired = archiver_.expire(now);
  if (!expired.expired.empty())
    done.push_back("expired " + std::to_string(expired.expired.size()) + " archived log(s)");
  if (auto lines = stats_log_.expire(unix_now(), options_.log_expire_days);
      lines.is_ok() && *lines > 0) {
    done.push_back("expired " + std::to_string(*lines) + " stats.log line(s)");
  }
  done.push_back("mail queue: " + std::to_string(mailer_.queued()) + " waiting");
  save_state();
  spdlog::info("cron pass: {}", done.size());
  return done;
}

msg::Value Collector::snapshot() const {
  auto& view = const_cast<ClusterView&>(view_);
  const auto now = clock_.now();
  msg::Value hosts = msg::Value::empty_array();
  for (const auto& [name, h] : view.hosts()) {
    msg::Value seqs = msg::Value::empty_map();
    for (const auto& [origin, seq] : h.last_seq)
      seqs.set(origin, seq);
    hosts.push_back(msg::Value::empty_map()
                        .set("host", name)
                        .set("up", h.up)
                        .set("heartbeat_age_ms",
                             std::chrono::duration_cast<Duration>(now - h.last_heartbeat).count())
                        .set("state_version", h.state_version)
                        .set("seq", std::move(seqs)));
  }
  msg::Value nodes = msg::Value::empty_array();
  for (const auto& [name, n] : view.nodes()) {
    const HostView* h = view.host(n.spec.host);
    msg::Value v = msg::Value::empty_map();
    v.set("name", name)
        .set("type", std::string(config::node_type_name(n.spec.type)))
        .set("host", n.spec.host)
        .set("state", h != nullptr && !h->up ? std::string("unreachable")
                                             : std::string(node_state_name(n.state)))
        .set("desired", std::string(desired_state_name(n.desired)))
        .set("pid", n.pid)
        .set("started_at", n.started_at)
        .set("restarts", n.restarts);
    if (n.stats) {
      v.set("cpu", n.stats->cpu_pct)
          .set("rss", n.stats->rss_bytes)
          .set("vsize", n.stats->vsize_bytes);
    }
    nodes.push_back(std::move(v));
  }
  msg::Value alerts = msg::Value::empty_array();
  for (const auto& a : recent_alerts_) {
    alerts.push_back(msg::Value::empty_map()
                         .set("kind", a.kind)
                         .set("severity", a.severity)
                         .set("message", a.message)
                         .set("ts", a.env.ts));
  }
  return msg::Value::empty_map()
      .set("cron_enabled", cron_enabled_)
      .set("hosts", std::move(hosts))
      .set("nodes", std::move(nodes))
      .set("alerts", std::move(alerts));
}

void Collector::save_state() {
  msg::Value state = msg::Value::empty_map();
  state.set("cron_enabled", cron_enabled_)
      .set("last_rotation_us", last_rotation_us_)
      .set("crash_mail", crash_mail_.to_value());
  // Slot files, not a renamed temporary: saved on every crash mail, and ext4's writeback
  // on rename (common/slot_file.h) took milliseconds of the loop and the disk.
  if (Status s = state_file_.store(msg::encode_value(state)); !s.is_ok()) {
    spdlog::error("cannot save the collector's state: {}", s.message());
  }
}

void Collector::load_state() {
  auto bytes = state_file_.load();
  if (!bytes.is_ok() && bytes.status().code() == ErrorCode::kNotFound) {
    // Written by an earlier version as one file.
    bytes = read_file(options_.spool_dir + "/collector.state", 1 << 20);
  }
  if (!bytes.is_ok()) {
    if (bytes.status().code() != ErrorCode::kNotFound) {
      spdlog::warn("ignoring the collector's state: {}", bytes.status().message());
    }
    return;
  }
  auto state = msg::decode_value(*bytes);
  if (!state.is_ok()) {
    spdlog::warn("ignoring an unreadable collector state: {}", state.status().message());
    return;
  }
  cron_enabled_ = state->get_bool("cron_enabled").value_or(cron_enabled_);
  last_rotation_us_ = state->get_int("last_rotation_us").value_or(0);
  if (const msg::Value* ledger = state->find("crash_mail")) crash_mail_.load(*ledger);
}

}  // namespace bc::collector

namespace bc::collector {

void Collector::check_notices() {
  timers_.schedule(clock_.now() + kNoticeCheck, [this] { check_notices(); });
  // With cron disabled the notices wait in the file; the next check after `cron enable`
  // picks them up.
  if (!cron_enabled_) return;
  for (const Notice& n : notices_.poll()) {
    if (n.has_action("Notice::ACTION_EMAIL") && options_.mail_alarms) {
      (void)mailer_.send(options_.mail_alarm_prefix + " " + n.note + ": " + n.msg, notice_text(n));
    }
    if (n.has_action("Notice::ACTION_ALARM")) {
      alert(msg::kAlertNotice, "warning", n.note + ": " + n.msg, "", n.node);
    }
  }
}

void Collector::summarize_traffic(const std::vector<std::string>& archived,
                                  std::vector<std::string>& done) {
  if (options_.trace_summary.empty()) return;
  for (const std::string& path : archived) {
    if (!is_conn_log(path)) continue;
    Status s = programs_.start(
        {options_.trace_summary, path}, kSummaryTimeout, [this, path](const ProgramResult& r) {
          if (r.exit_code == 0) {
            (void)mailer_.send("traffic summary", r.output);
            return;
          }
          spdlog::warn("TraceSummary {} on {} failed ({}): {}", options_.trace_summary, path,
                       r.timed_out ? "timed out" : "exit " + std::to_string(r.exit_code),
                       r.output.substr(0, 200));
        });
    done.push_back(s.is_ok() ? "traffic summary of " + path + " started"
                             : "traffic summary: " + s.message());
  }
}

}  // namespace bc::collector
