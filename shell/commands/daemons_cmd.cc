// `daemons [start|stop|restart|status] [--with-nodes] [--host <name>]`: this machine's
// daemons, in any configuration — the supervisor of its node.cfg host, and the broker and
// collector where BrokerHost is this machine. `stop` ends the daemons, not the nodes
// (they keep running and a new supervisor re-adopts them), unless --with-nodes.

#include <ostream>

#include "messages/codec.h"
#include "shell/commands/handlers.h"
#include "shell/daemon_probe.h"
#include "shell/lifecycle_ops.h"
#include "shell/lifecycle_text.h"
#include "shell/local_daemons.h"
#include "shell/local_host.h"
#include "shell/shell_context.h"
#include "shell/table.h"

namespace bc::shell {
namespace {

constexpr const char* kUsage =
    "usage: daemons [start|stop|restart|status] [--with-nodes] [--host <name>]";

// A daemon gets this long to end after SIGTERM before it is killed.
constexpr std::chrono::seconds kStopGrace{10};

struct DaemonsArgs {
  std::string action = "status";
  bool with_nodes = false;
  std::string host;
};

std::optional<DaemonsArgs> parse(ShellContext& ctx, const std::vector<std::string>& args) {
  DaemonsArgs out;
  bool have_action = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--with-nodes") {
      out.with_nodes = true;
    } else if (a == "--host" && i + 1 < args.size()) {
      out.host = args[++i];
    } else if (a.starts_with("--host=")) {
      out.host = a.substr(7);
    } else if (!have_action && (a == "start" || a == "stop" || a == "restart" || a == "status")) {
      out.action = a;
      have_action = true;
    } else {
      ctx.fail(kUsage);
      return std::nullopt;
    }
  }
  if (out.with_nodes && out.action != "stop") {
    ctx.fail("--with-nodes goes with stop only");
    return std::nullopt;
  }
  return out;
}

msg::Value daemon_json(const LocalDaemon& d) {
  const pid_t pid = running_pid(d);
  msg::Value v = msg::Value::empty_map();
  v.set("name", d.name).set("endpoint", d.endpoint).set("log", d.log_file);
  v.set("running", pid > 0).set("pid", static_cast<std::int64_t>(pid));
  return v;
}

int status(ShellContext& ctx, const std::string& host, const std::vector<LocalDaemon>& daemons) {
  msg::Value list = msg::Value::empty_array();
  Table table({"Daemon", "Pid", "Endpoint", "Answers"});
  int rc = 0;
  for (const LocalDaemon& d : daemons) {
    msg::Value v = daemon_json(d);
    const pid_t pid = running_pid(d);
    std::string answers = "not running";
    if (pid > 0) {
      const Status probe = probe_daemon(ctx, d);
      v.set("answers", probe.is_ok());
      if (!probe.is_ok()) v.set("error", probe.message());
      answers = probe.is_ok() ? "yes" : "no: " + probe.message();
    } else {
      v.set("answers", false);
    }
    if (answers != "yes") rc = 1;
    table.add({d.name, pid > 0 ? std::to_string(pid) : "-", d.endpoint, answers});
    list.push_back(std::move(v));
  }
  if (ctx.json()) {
    ctx.out() << msg::to_json(msg::Value::empty_map()
                                  .set("ok", rc == 0)
                                  .set("host", host)
                                  .set("daemons", std::move(list)))
              << '\n';
  } else {
    ctx.out() << "daemons of host " << host << ":\n" << table.render();
  }
  return rc;
}

// The nodes of `host` as node.cfg has them, stopped through its supervisor.
int stop_nodes_of(ShellContext& ctx, const std::string& host, msg::Value& doc) {
  std::vector<config::NodeSpec> nodes;
  for (const config::NodeSpec& n : ctx.cluster()->nodes) {
    if (n.host == host) nodes.push_back(n);
  }
  const OpSummary summary = stop_nodes(ctx, nodes, stop_progress_text(ctx));
  doc.set("nodes", summary_json("stopped", summary));
  if (!ctx.json()) ctx.out() << summary.ok << " node(s) stopped\n";
  return summary.succeeded() ? 0 : 1;
}

int stop(ShellContext& ctx, const std::vector<LocalDaemon>& daemons, msg::Value& list) {
  int rc = 0;
  for (auto it = daemons.rbegin(); it != daemons.rend(); ++it) {
    const pid_t pid = running_pid(*it);
    msg::Value v = daemon_json(*it);
    if (pid <= 0) {
      v.set("action", "not running");
    } else if (Status s = stop_daemon(*it, kStopGrace); s.is_ok()) {
      v.set("action", "stopped").set("running", false);
      if (!ctx.json()) ctx.out() << "stopped " << it->executable << " (pid " << pid << ")\n";
    } else {
      v.set("action", "failed").set("error", s.message());
      rc = ctx.fail(s.message());
    }
    list.push_back(std::move(v));
  }
  return rc;
}

int start(ShellContext& ctx, const std::vector<LocalDaemon>& daemons, msg::Value& list) {
  if (is_one_box(*ctx.cluster()) || ctx.cluster()->standalone()) {
    if (Status s = ensure_bus_keys(ctx); !s.is_ok()) return ctx.fail(s.message());
  }
  int rc = 0;
  for (const LocalDaemon& d : daemons) {
    const bool was_running = running_pid(d) > 0;
    const Status s = start_daemon(ctx, d);
    msg::Value v = daemon_json(d);
    v.set("action", !s.is_ok() ? "failed" : was_running ? "already running" : "started");
    if (!s.is_ok()) {
      v.set("error", s.message());
      rc = ctx.fail(s.message());
    } else if (!ctx.json()) {
      ctx.out() << d.executable << (was_running ? " already runs" : " started") << " (pid "
                << running_pid(d) << ")\n";
    }
    list.push_back(std::move(v));
    if (rc != 0) break;  // the later daemons need the earlier ones
  }
  return rc;
}

}  // namespace

int cmd_daemons(ShellContext& ctx, const std::vector<std::string>& args) {
  const config::Cluster* cluster = ctx.cluster();
  if (cluster == nullptr) return 1;
  auto parsed = parse(ctx, args);
  if (!parsed) return 1;
  auto host = this_host(*cluster, parsed->host);
  if (!host.is_ok()) return ctx.fail(host.status().message());
  const std::vector<LocalDaemon> daemons = daemons_of(*cluster, *host);
  if (parsed->action == "status") return status(ctx, *host, daemons);
  msg::Value doc = msg::Value::empty_map();
  doc.set("host", *host);
  msg::Value list = msg::Value::empty_array();
  int rc = 0;
  if (parsed->with_nodes) {
    // Its nodes are stopped by its supervisor, which may have to be started for that.
    for (const LocalDaemon& d : daemons) {
      if (Status s = start_daemon(ctx, d); !s.is_ok()) return ctx.fail(s.message());
    }
    rc = stop_nodes_of(ctx, *host, doc);
  }
  if (parsed->action == "stop" || parsed->action == "restart") rc |= stop(ctx, daemons, list);
  if (parsed->action == "start" || (parsed->action == "restart" && rc == 0)) {
    rc |= start(ctx, daemons, list);
  }
  if (ctx.json()) {
    doc.set("ok", rc == 0).set("action", parsed->action).set("daemons", std::move(list));
    ctx.out() << msg::to_json(doc) << '\n';
  }
  return rc;
}

}  // namespace bc::shell
