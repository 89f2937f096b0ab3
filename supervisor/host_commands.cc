#include "supervisor/host_commands.h"

#include <set>

#include "common/file_util.h"
#include "supervisor/crash_recorder.h"
#include "supervisor/node_launcher.h"

namespace bc::sup {
namespace {

using Responder = Supervisor::Responder;

void fail(const msg::Request& r, const Responder& respond, const Status& s) {
  respond(msg::make_error(r.id, s));
}

// The key of a request's jobs: only the connection that sent it can name it in `cancel`
// (request ids are per client, so the id alone would let one shell cancel another's).
std::string job_owner(const std::string& requester, std::uint64_t id) {
  return requester + "/" + std::to_string(id);
}

// A numeric argument in seconds with a default and a range.
Result<double> seconds_arg(const msg::Value& args, std::string_view key, double fallback,
                           double min, double max) {
  const msg::Value* v = args.find(key);
  if (v == nullptr || v->is_nil()) return fallback;
  auto d = v->as_double();
  if (!d || !(*d >= min && *d <= max)) {  // so that NaN is refused too
    return Status::invalid_argument("'" + std::string(key) + "' must be a number from " +
                                    std::to_string(min) + " to " + std::to_string(max));
  }
  return *d;
}

// Removes what is inside a directory, not the directory itself (it may be a mount point),
// without following a symlink into or below it. Absent is clean.
Status clear(const Result<DirFd>& dir, const std::set<std::string>& keep = {}) {
  if (!dir.is_ok())
    return dir.status().code() == ErrorCode::kNotFound ? Status::ok() : dir.status();
  return clear_dir_at(*dir, keep);
}

Result<std::uint64_t> read_counter(const std::string& iface, const char* name) {
  auto text = read_file("/sys/class/net/" + iface + "/statistics/" + name, 64);
  if (!text.is_ok()) return Status::not_found("interface '" + iface + "' not found on this host");
  return std::strtoull(text->c_str(), nullptr, 10);
}

}  // namespace

void cmd_df(Supervisor& sup, const msg::Request& r, const Responder& respond) {
  msg::Value disks = msg::Value::empty_array();
  for (const auto& path : sup.options().df_paths) {
    msg::Value d = msg::Value::empty_map();
    d.set("path", path);
    if (auto du = disk_usage(path); du.is_ok()) {
      d.set("total", du->total_bytes).set("avail", du->avail_bytes).set("avail_pct", du->avail_pct);
    } else {
      d.set("error", du.status().message());
    }
    disks.push_back(std::move(d));
  }
  msg::Value v = msg::Value::empty_map();
  v.set("host", sup.options().host).set("disks", std::move(disks));
  respond(msg::make_ok(r.id, std::move(v)));
}

void cmd_exec(Supervisor& sup, const msg::Request& r, const Responder& respond) {
  auto cmdline = r.args.get_string("cmdline");
  if (!cmdline.is_ok() || cmdline->empty() || cmdline->size() > kMaxCommandLine) {
    return fail(r, respond,
                Status::invalid_argument("'cmdline' must be a non-empty string of "
                                         "at most 64 KiB"));
  }
  auto timeout = seconds_arg(r.args, "timeout", 60, 0.01, kMaxExecSeconds);
  if (!timeout.is_ok()) return fail(r, respond, timeout.status());
  JobSpec spec;
  spec.argv = {"/bin/sh", "-c", *cmdline};
  spec.cwd = sup.options().base_dir.empty() ? "/" : sup.options().base_dir;
  spec.env = {"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + spec.cwd,
              "CLUSTER_HOST=" + sup.options().host};
  spec.timeout = std::chrono::milliseconds(static_cast<long>(*timeout * 1000));
  spec.max_output = kMaxExecOutput;
  spec.owner = job_owner(sup.requester(), r.id);
  const std::string host = sup.options().host;
  const std::uint64_t id = r.id;
  Status started = sup.jobs().start(spec, [respond, host, id](const JobResult& result) {
    msg::Value v = msg::Value::empty_map();
    v.set("host", host)
        .set("exit_code", result.exit.exited ? result.exit.exit_code : -1)
        .set("signal", result.exit.exited ? 0 : result.exit.signal)
        .set("output", result.output)
        .set("truncated", result.truncated)
        .set("timed_out", result.timed_out)
        .set("cancelled", result.cancelled);
    respond(msg::make_ok(id, std::move(v)));
  });
  if (!started.is_ok()) fail(r, respond, started);
}

void cmd_cancel(Supervisor& sup, const msg::Request& r, const Responder& respond) {
  auto id = r.args.get_int("id");
  if (!id.is_ok() || *id <= 0)
    return fail(r, respond, Status::invalid_argument("'id' must be a request id (> 0)"));
  const std::size_t cancelled =
      sup.jobs().cancel(job_owner(sup.requester(), static_cast<std::uint64_t>(*id)));
  msg::Value v = msg::Value::empty_map();
  v.set("host", sup.options().host).set("cancelled", static_cast<std::uint64_t>(cancelled));
  respond(msg::make_ok(r.id, std::move(v)));
}

void cmd_crashes(Supervisor& sup, const msg::Request& r, const Responder& respond) {
  const msg::Value* since_arg = r.args.find("since");
  std::int64_t since = 0;
  if (since_arg != nullptr && !since_arg->is_nil()) {
    auto v = since_arg->as_int();
    if (!v) return fail(r, respond, Status::invalid_argument("'since' must be an integer (us)"));
    since = *v;
  }
  std::vector<msg::CrashReport> records;
  for (const auto& [name, node] : sup.nodes()) {
    auto more = crash_records_since(sup.options(), name, since);
    std::move(more.begin(), more.end(), std::back_inserter(records));
  }
  std::sort(records.begin(), records.end(),
            [](const auto& a, const auto& b) { return a.ended_at < b.ended_at; });
  const bool more = records.size() > kMaxCrashRecordsPerReply;
  if (more) records.resize(kMaxCrashRecordsPerReply);
  msg::Value list = msg::Value::empty_array();
  for (const auto& report : records) {
    const std::string bytes = msg::encode(report);
    list.push_back(msg::Value(msg::Binary{{bytes.begin(), bytes.end()}}));
  }
  msg::Value v = msg::Value::empty_map();
  v.set("host", sup.options().host).set("records", std::move(list)).set("more", more);
  respond(msg::make_ok(r.id, std::move(v)));
}

void cmd_watch_crashes(Supervisor& sup, const msg::Request& r, const Responder& respond) {
  auto hold = seconds_arg(r.args, "hold", kDefaultWatchHold, 0.01, kMaxWatchHold);
  if (!hold.is_ok()) return fail(r, respond, hold.status());
  const auto deadline = sup.clock().now() + std::chrono::duration_cast<std::chrono::microseconds>(
                                                std::chrono::duration<double>(*hold));
  std::optional<std::int64_t> after;
  if (const msg::Value* a = r.args.find("after"); a != nullptr && !a->is_nil()) {
    after = a->as_int();
    if (!after)
      return fail(r, respond, Status::invalid_argument("'after' must be µs since the epoch"));
  }
  sup.crash_watchers().add(r.id, respond, deadline, after);
  sup.timers().schedule(deadline, [&sup] { sup.crash_watchers().expire(sup.clock().now()); });
}

void cmd_cleanup(Supervisor& sup, const msg::Request& r, const Responder& respond) {
  auto nodes = sup.select(r.args);
  if (!nodes.is_ok()) return fail(r, respond, nodes.status());
  const msg::Value* all_arg = r.args.find("all");
  const bool all = all_arg != nullptr && all_arg->as_bool().value_or(false);
  PendingReply pending(r.id, r.cmd, respond);
  for (Node* node : *nodes)
    pending.expect(node->spec.name);
  for (Node* node : *nodes) {
    // The lifecycle decides whether the node may be cleaned (never while it has a
    // process); its one-node answer arrives synchronously through `outcome`.
    Status outcome = Status::ok();
    auto verdict = std::make_shared<PendingReply>(
        r.id, r.cmd, [&outcome](const msg::Reply& reply) { outcome = msg::reply_status(reply); });
    verdict->expect(node->spec.name);
    node->last_reason = "cleanup";
    sup.apply(*node, NodeEvent::kCleanup, verdict);
    if (outcome.is_ok()) outcome = clear(open_node_dir(sup.options(), node->spec));
    if (outcome.is_ok() && all) outcome = clear(open_crash_root(sup.options(), node->spec.name));
    pending.report(node->spec.name, outcome, sup.node_status(*node));
  }
  if (all && nodes->size() == sup.nodes().size()) {
    (void)clear(open_dir_nofollow(sup.options().tmp_dir, ""), {"jobs"});
  }
  pending.seal();
}

void cmd_capstats(Supervisor& sup, const msg::Request& r, const Responder& respond) {
  auto nodes = sup.select(r.args);
  if (!nodes.is_ok()) return fail(r, respond, nodes.status());
  auto interval = seconds_arg(r.args, "interval", 10, 0.1, 600);
  if (!interval.is_ok()) return fail(r, respond, interval.status());
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> before;
  for (Node* node : *nodes) {
    const auto& iface = node->spec.interface;
    if (iface.empty() || before.count(iface)) continue;
    auto packets = read_counter(iface, "rx_packets");
    auto bytes = read_counter(iface, "rx_bytes");
    if (!packets.is_ok() || !bytes.is_ok()) return fail(r, respond, packets.status());
    before[iface] = {*packets, *bytes};
  }
  const double secs = *interval;
  const std::string host = sup.options().host;
  const std::uint64_t id = r.id;
  sup.timers().schedule(
      sup.clock().now() + std::chrono::milliseconds(static_cast<long>(secs * 1000)),
      [before, secs, host, id, respond] {
        msg::Value ifaces = msg::Value::empty_map();
        for (const auto& [iface, counts] : before) {
          auto packets = read_counter(iface, "rx_packets");
          auto bytes = read_counter(iface, "rx_bytes");
          msg::Value v = msg::Value::empty_map();
          if (!packets.is_ok() || !bytes.is_ok()) {
            v.set("error", "interface disappeared");
          } else {
            v.set("kpps", static_cast<double>(*packets - counts.first) / secs / 1000.0)
                .set("mbps", static_cast<double>(*bytes - counts.second) * 8.0 / secs / 1e6);
          }
          ifaces.set(iface, std::move(v));
        }
        msg::Value v = msg::Value::empty_map();
        v.set("host", host).set("interval", secs).set("interfaces", std::move(ifaces));
        respond(msg::make_ok(id, std::move(v)));
      });
}

}  // namespace bc::sup
