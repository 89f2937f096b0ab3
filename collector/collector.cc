#include "collector/collector.h"

#include <unistd.h>

#include <spdlog/spdlog.h>
#include <zmq_addon.hpp>

#include "common/strings.h"
#include "common/version.h"
#include "messages/codec.h"
#include "messages/event_origin.h"
#include "net/socket_factory.h"

namespace bc::collector {
namespace {

MailSettings mail_settings(const config::Cluster& cluster) {
  const auto& o = cluster.options;
  return {o.get_bool("SendMail"),     o.get("SendMailCommand"),
          o.get("MailFrom"),          o.get("MailTo"),
          o.get("MailReplyTo"),       o.get("MailSubjectPrefix"),
          o.get("SpoolDir") + "/mail"};
}

ArchiveSettings archive_settings(const config::Cluster& cluster, const std::string& host) {
  const auto& o = cluster.options;
  ArchiveSettings s;
  for (const auto& node : cluster.nodes) {
    if (node.host != host) continue;
    const std::string spool = o.get("SpoolDir") + "/" + node.name;
    if (node.type == config::NodeType::kManager || node.type == config::NodeType::kStandalone) {
      s.manager_spool = spool;
    } else {
      s.discard_spools.push_back(spool);
    }
  }
  s.log_dir = o.get("LogDir");
  s.compress = o.get_bool("CompressLogs");
  s.expire_days = static_cast<int>(o.get_int("LogExpireInterval"));
  return s;
}

}  // namespace

Collector::Collector(zmq::context_t& ctx, const config::Cluster& cluster, const Clock& clock,
                     const security::BusSecurity* security)
    : Collector(ctx, cluster, collector_options(cluster), clock, security) {}

Collector::Collector(zmq::context_t& ctx, const config::Cluster& cluster, CollectorOptions options,
                     const Clock& clock, const security::BusSecurity* security)
    : cluster_(cluster),
      security_(security),
      options_(std::move(options)),
      clock_(clock),
      sub_(net::make_socket(ctx, zmq::socket_type::sub)),
      query_(net::make_socket(ctx, zmq::socket_type::router)),
      events_(ctx, options_.host, options_.bus_in, clock, security),
      requests_(ctx, clock, security),
      crash_watch_(requests_, clock, options_.comm_timeout,
                   [this](const msg::NodeStateChange& e) { on_crash_notice(e); }),
      request_gate_(security, security::Service::kCollector),
      view_(cluster),
      liveness_(clock, {options_.host_timeout, options_.heartbeat_interval, kHostCheck},
                [this] {
                  std::vector<std::string> hosts;
                  for (const auto& [name, host] : view_.hosts())
                    hosts.push_back(name);
                  return hosts;
                }()),
      mailer_(mail_settings(cluster), clock),
      stats_log_(options_.stats_log),
      archiver_(archive_settings(cluster, options_.host)),
      disk_watch_(options_.min_disk_pct),
      crash_mail_(clock.wall_us()),
      state_file_(options_.spool_dir + "/collector.state"),
      notices_(archiver_.settings().manager_spool.empty()
                   ? std::string()
                   : archiver_.settings().manager_spool + "/notice.log"),
      programs_(clock),
      rng_(std::random_device{}()),
      cron_enabled_(options_.cron_enabled),
      started_(clock.now()) {
  for (const auto& [host, endpoint] : options_.supervisors)
    requests_.add_peer(host, endpoint, host, "supervisor of " + host);
  for (auto& [name, node] : view_.nodes())
    care_of(node);
}

Status Collector::start() {
  if (security_ != nullptr) {
    security_->secure_server(query_, security::kDomainCollector);
    if (Status s = security_->secure_client(sub_, std::string(security::kBrokerKeyName));
        !s.is_ok()) {
      return s;
    }
  }
  try {
    query_.bind(options_.query_endpoint);
  } catch (const zmq::error_t& e) {
    return Status::io_error("cannot listen on " + options_.query_endpoint + ": " + e.what());
  }
  sub_.set(zmq::sockopt::subscribe, "");
  sub_.connect(options_.bus_out);
  load_state();
  save_state();  // the crash-mail floor of a first start, before anything can crash
  (void)reload_installed("collector start");  // the edited files only until one is installed
  const auto now = clock_.now();
  for (auto& [name, host] : view_.hosts())
    host.last_heartbeat = now;  // grace from our start
  timers_.schedule(now, [this] { publish_heartbeat(); });
  timers_.schedule(now + kHostCheck, [this] { check_hosts(); });
  timers_.schedule(now + kInstallCheck, [this] { check_installed(); });
  timers_.schedule(now + options_.stats_log_interval, [this] { write_stats(); });
  timers_.schedule(now + options_.cron_interval, [this] { run_cron(false); });
  // Only the manager's (or standalone node's) host has a notice.log to follow.
  if (!archiver_.settings().manager_spool.empty()) {
    timers_.schedule(now + kNoticeCheck, [this] { check_notices(); });
  }
  // Events we missed while down: ask every supervisor (subscribed first: Clone pattern).
  for (const auto& [host, endpoint] : options_.supervisors)
    reconcile(host, std::string(kWhyStart));
  spdlog::info("collecting from {}, queries on {}, {} hosts", options_.bus_out,
               options_.query_endpoint, options_.supervisors.size());
  return Status::ok();
}

void Collector::run() {
  while (!stop_.load())
    poll_once();
  save_state();
  spdlog::info("collector stopping");
}

void Collector::poll_once() {
  std::vector<zmq::pollitem_t> items = {{sub_.handle(), 0, ZMQ_POLLIN, 0},
                                        {query_.handle(), 0, ZMQ_POLLIN, 0}};
  const auto supervisors = requests_.sockets();
  for (const auto& [host, socket] : supervisors)
    items.push_back({socket->handle(), 0, ZMQ_POLLIN, 0});
  // Capped so the mailer's children are reaped and request deadlines checked promptly.
  const long timeout = poll_timeout_ms(timers_.next_deadline(), clock_.now(), Duration(100));
  try {
    zmq::poll(items.data(), items.size(), std::chrono::milliseconds(timeout));
  } catch (const zmq::error_t& e) {
    if (e.num() != EINTR) spdlog::error("poll failed: {}", e.what());
    return;
  }
  // Replies first: a supervisor answers our `start` when the new process runs, so a crash
  // event waiting beside that answer is a later crash, of the new process. Taken first, it
  // would count as a crash while our start was in flight, held until the answer came.
  for (std::size_t i = 0; i < supervisors.size(); ++i) {
    if (items[i + 2].revents & ZMQ_POLLIN) heard_from_supervisor(supervisors[i].first);
  }
  if (items[0].revents & ZMQ_POLLIN) on_bus();
  if (items[1].revents & ZMQ_POLLIN) on_query();
  const auto now = clock_.now();
  requests_.expire();
  timers_.run_due(now);
  mailer_.poll();
  programs_.poll();
}

int Collector::on_bus(int max) {
  for (int batch = 0; batch < max; ++batch) {
    zmq::message_t topic, body;
    if (!sub_.recv(topic, zmq::recv_flags::dontwait)) return batch;
    if (batch == 0 && liveness_.heard_bus()) bus_up();
    if (!topic.more()) continue;
    (void)sub_.recv(body, zmq::recv_flags::none);
    while (body.more()) {  // not ours: skip the rest of the message
      zmq::message_t extra;
      (void)sub_.recv(extra, zmq::recv_flags::none);
      body.swap(extra);
    }
    on_event(topic.to_string_view(), body.to_string_view());
  }
  return max;
}

void Collector::on_event(std::string_view topic, std::string_view body) {
  // Decoded and checked against node.cfg (event_intake.h); anything else is dropped there.
  BusEvent event = intake_.admit(view_, topic, body, clock_.now());
  if (auto* hb = std::get_if<msg::Heartbeat>(&event)) {
    on_heartbeat(*hb);
  } else if (auto* e = std::get_if<msg::NodeStateChange>(&event)) {
    note_sequence(e->env, msg::NodeStateChange::kType, body);
    if (notice_order_.accept_bus(e->node, e->env)) on_node_state(*e);
  } else if (auto* r = std::get_if<msg::CrashReport>(&event)) {
    note_sequence(r->env, msg::CrashReport::kType, body);
    on_crash_report(*r);
  } else if (auto* s = std::get_if<msg::HostStats>(&event)) {
    note_sequence(s->env, msg::HostStats::kType, body);
    on_host_stats(*s);
  } else if (auto* n = std::get_if<msg::NodeStats>(&event)) {
    note_sequence(n->env, msg::NodeStats::kType, body);
    if (NodeView* node = view_.node(n->node)) node->stats = *n;
  }
}

void Collector::note_sequence(const msg::Envelope& env, std::string_view type,
                              std::string_view body) {
  // The numbering is per publisher across all its event types, so every type is noted: a
  // gap then means events were really lost, and node events may be among them: ask.
  crash_watch_.heard(env.host, env.ts);
  if (view_.note_sequence(env.host, msg::origin_of(type, body), env.seq)) {
    reconcile(env.host, "sequence gap");
  }
}

void Collector::on_crash_notice(const msg::NodeStateChange& e) {
  // A crash told by its supervisor's answer to our watch (crash_watch.h): applied once, in
  // order with the bus's copy, through the same entry point as a bus event.
  const NodeView* node = view_.node(e.node);
  if (node == nullptr || node->spec.host != e.env.host) return;
  if (notice_order_.accept_notice(e.node, e.env)) on_node_state(e);
}

void Collector::on_heartbeat(const msg::Heartbeat& hb) {
  if (hb.role != "supervisor") return;  // broker and collector heartbeats are not host liveness
  HostView* host = view_.host(hb.env.host);
  if (host == nullptr) return;
  const bool gap = view_.note_sequence(hb.env.host, hb.role, hb.env.seq);
  crash_watch_.heard(hb.env.host, hb.env.ts);
  host->last_heartbeat = clock_.now();
  (void)liveness_.heard_heartbeat(host->name);  // host->up says whether it was down
  const bool changed = host->seen && hb.state_version != host->state_version;
  // The first heartbeat since our start proves the subscription to this host live: what it
  // published before (a node_state of a restart our start-up reconciliation ordered, over a
  // connection still shaking hands) may have been missed, with no gap to show it. Ask once
  // more now (the Clone pattern: subscribe, receive, then snapshot).
  const bool first = !host->seen;
  host->seen = true;
  host->state_version = hb.state_version;
  if (!host->up) {
    host_up(*host);
  } else if (first) {
    reconcile(host->name, "subscribed");
  } else if (gap && changed) {
    reconcile(host->name, "sequence gap");
  }
}

void Collector::on_query() {
  for (int batch = 0; batch < 64; ++batch) {
    std::vector<zmq::message_t> frames;
    if (!zmq::recv_multipart(query_, std::back_inserter(frames), zmq::recv_flags::dontwait)) return;
    if (frames.size() != 2) continue;
    auto request = msg::decode<msg::Request>(frames[1].to_string_view());
    msg::Reply reply = request.is_ok()
                           ? msg::Reply{}
                           : msg::make_error(0, Status(request.status().code(),
                                                       printable(request.status().message(), 300)));
    if (request.is_ok()) {
      if (Status s = request_gate_.admit(frames[1], *request, clock_.wall_us()); !s.is_ok()) {
        if (std::uint64_t left_out = 0; request_gate_.may_log_refusal(clock_.now(), left_out)) {
          spdlog::warn("refused '{}': {}{}", printable(request->cmd), printable(s.message(), 300),
                       left_out_note(left_out));
        }
        reply = msg::make_error(request->id, s);
      }
    }
    if (request.is_ok() && reply.error == std::nullopt) {
      try {
        reply = answer_query(*request);
      } catch (const std::exception& e) {
        reply = msg::make_error(request->id, Status::internal(e.what()));
      }
    }
    const std::string body = msg::encode(reply);
    (void)query_.send(frames[0], zmq::send_flags::sndmore | zmq::send_flags::dontwait);
    (void)query_.send(zmq::buffer(body), zmq::send_flags::dontwait);
  }
}

msg::Reply Collector::answer_query(const msg::Request& r) {
  if (r.cmd == "ping") {
    return msg::make_ok(r.id, msg::Value::empty_map()
                                  .set("pid", static_cast<std::int64_t>(getpid()))
                                  .set("version", kVersion));
  }
  if (r.cmd == "snapshot") return msg::make_ok(r.id, snapshot());
  if (r.cmd == "cron") {
    msg::Value lines = msg::Value::empty_array();
    for (auto& line : run_cron(true))
      lines.push_back(std::move(line));
    return msg::make_ok(r.id, msg::Value::empty_map().set("actions", std::move(lines)));
  }
  if (r.cmd == "reload") {  // the shell, after an install (docs/PROTOCOL.md)
    auto version = reload_installed("install");
    if (!version.is_ok()) return msg::make_error(r.id, version.status());
    return msg::make_ok(r.id, msg::Value::empty_map()
                                  .set("version", *version)
                                  .set("nodes", static_cast<std::int64_t>(view_.nodes().size())));
  }
  if (r.cmd == "cron_enable" || r.cmd == "cron_disable") {
    cron_enabled_ = r.cmd == "cron_enable";
    save_state();
    spdlog::info("cron {}", cron_enabled_ ? "enabled" : "disabled");
    if (cron_enabled_) {  // catch up with what happened while disabled
      for (const auto& [host, endpoint] : options_.supervisors)
        reconcile(host, "cron enabled");
    }
  }
  if (r.cmd == "cron_enable" || r.cmd == "cron_disable" || r.cmd == "cron_status") {
    return msg::make_ok(r.id, msg::Value::empty_map().set("enabled", cron_enabled_));
  }
  return msg::make_error(
      r.id, Status(ErrorCode::kUnknownCommand, "unknown command '" + printable(r.cmd) + "'"));
}

void Collector::publish_heartbeat() {
  msg::Heartbeat hb;
  hb.role = "collector";
  hb.pid = getpid();
  hb.uptime_s = std::chrono::duration<double>(clock_.now() - started_).count();
  hb.interval_ms = static_cast<std::uint32_t>(options_.heartbeat_interval.count());
  for (const auto& [name, node] : view_.nodes()) {
    ++hb.nodes_total;
    if (node.state == NodeState::kRunning) ++hb.nodes_running;
    if (node.state == NodeState::kCrashed) ++hb.nodes_crashed;
  }
  hb.counters = {{"requests_in_flight", requests_.in_flight()},
                 {"mail_queued", mailer_.queued()},
                 {"crash_watches", crash_watch_.open()},
                 {"events_dropped", events_.dropped()},
                 {"requests_refused", request_gate_.refused()},
                 {"replay_nonces_shed", request_gate_.replay_shed()},
                 {"events_refused", intake_.refused()}};
  hb.software = kVersion;
  events_.publish(hb);
  timers_.schedule(clock_.now() + options_.heartbeat_interval, [this] { publish_heartbeat(); });
}

}  // namespace bc::collector
