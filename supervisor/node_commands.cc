#include "supervisor/node_commands.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>

#include "common/strings.h"
#include "supervisor/core_backtrace.h"
#include "supervisor/node_launcher.h"
#include "supervisor/zeek_control.h"

namespace bc::sup {
namespace {

using Responder = Supervisor::Responder;

// What a shell may ask of a node: the read-only queries plus update and rotate. Anything
// else the node may grow stays unreachable through us until it is listed here.
constexpr std::array<std::string_view, 7> kControlCommands = {
    "status", "print", "update", "netstats", "peerstatus", "notices", "rotate"};

void fail(const msg::Request& r, const Responder& respond, const Status& s) {
  respond(msg::make_error(r.id, s));
}

bool has_process(const Node& node) {
  const NodeState s = node.lifecycle.state();
  return node.pid > 0 && (s == NodeState::kInitializing || s == NodeState::kRunning);
}

// The node named in args["node"], running; otherwise the error to reply with.
Result<Node*> running_node(Supervisor& sup, const msg::Value& args) {
  auto name = args.get_string("node");
  if (!name.is_ok() || name->empty()) {
    return Status::invalid_argument("'node' must be a node name");
  }
  auto it = sup.nodes().find(*name);
  if (it == sup.nodes().end()) {
    return Status::not_found("unknown node '" + printable(*name) + "' on host " +
                             sup.options().host);
  }
  if (!has_process(it->second)) {
    return Status(ErrorCode::kConflict, *name + " is not running");
  }
  return &it->second;
}

// CommTimeout of cluster.cfg in ms; its table default when the options carry none.
long comm_timeout_ms(const SupervisorOptions& options) {
  const std::string text = options.cluster_options.get("CommTimeout");
  char* end = nullptr;
  const double seconds = std::strtod(text.c_str(), &end);
  if (text.empty() || end == nullptr || *end != '\0' || !(seconds >= 0)) return 5000;
  return std::clamp(static_cast<long>(std::lround(seconds * 1000)), kMinControlTimeoutMs,
                    kMaxControlTimeoutMs);
}

// Where the node's Zeek control listener is, from this host; an error says why it
// cannot be reached (none configured, or on another host's loopback).
Result<ZeekControlTarget> zeek_target(const SupervisorOptions& options, const Node& node) {
  const config::ClusterConfig& o = options.cluster_options;
  const std::string& name = node.spec.name;
  ZeekControlTarget t;
  t.node = name;
  t.node_topic = node.spec.type == config::NodeType::kStandalone ? "" : name;
  t.port = static_cast<int>(o.get_int("ZeekControlPort"));
  t.address = o.get("ZeekControlAddress");
  if (t.port == 0) {
    return Status::unsupported(name + ": no Zeek control listener (ZeekControlPort = 0)");
  }
  // A wildcard listener is reached on loopback.
  if (t.address.empty() || t.address == "0.0.0.0") t.address = "127.0.0.1";
  if (t.address == "::") t.address = "::1";
  const bool loopback = t.address.starts_with("127.") || t.address == "::1";
  if (loopback && !options.manager_host.empty() && options.manager_host != options.host) {
    return Status::unreachable(
        name + ": the Zeek control listener is on " + t.address + " of the manager's host " +
        options.manager_host + ", which host " + options.host +
        " cannot reach; set ZeekControlAddress to an address of " + options.manager_host);
  }
  return t;
}

void zeek_control(Supervisor& sup, const msg::Request& r, const Responder& respond,
                  const Node& node, const std::string& cmd, const msg::Value& args,
                  long timeout_ms) {
  const std::string& name = node.spec.name;
  if (!zeek_answers(cmd)) {
    return fail(r, respond,
                Status::unsupported(name + ": not supported by this node program (Zeek nodes "
                                           "answer print, netstats and peerstatus)"));
  }
  auto zeek = sup.find_zeek(node);
  if (!zeek.is_ok()) return fail(r, respond, zeek.status());
  if (zeek->version < config::ZeekVersion{8, 0, 0}) {
    // kBadVersion, not kUnsupported: the shell shows this message, not the generic
    // "not supported by this node program" (the node program could, a newer one will).
    return fail(r, respond,
                Status(ErrorCode::kBadVersion, cmd + " needs Zeek 8.0 or later (found " +
                                                   std::to_string(zeek->version.major) + "." +
                                                   std::to_string(zeek->version.minor) + ")"));
  }
  auto target = zeek_target(sup.options(), node);
  if (!target.is_ok()) return fail(r, respond, target.status());
  // The conversation blocks on a thread of its own, in real time: its deadline is the
  // steady clock's, not the loop's (injected) clock's.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  Status started =
      sup.zeek_control().start(*target, r.id, cmd, args, deadline, timeout_ms, respond);
  if (!started.is_ok()) fail(r, respond, started);
}

}  // namespace

void cmd_node_control(Supervisor& sup, const msg::Request& r, const Responder& respond) {
  auto cmd = r.args.get_string("cmd");
  if (!cmd.is_ok() ||
      std::find(kControlCommands.begin(), kControlCommands.end(), *cmd) == kControlCommands.end()) {
    return fail(r, respond,
                Status::invalid_argument("'cmd' must be one of status, print, update, netstats, "
                                         "peerstatus, notices, rotate"));
  }
  const msg::Value* args = r.args.find("args");
  if (args != nullptr && !args->is_nil() && !args->is_map()) {
    return fail(r, respond, Status::invalid_argument("'args' must be a map"));
  }
  long timeout_ms = comm_timeout_ms(sup.options());
  if (const msg::Value* t = r.args.find("timeout_ms"); t != nullptr && !t->is_nil()) {
    const auto ms = t->as_int();
    if (!ms || *ms < kMinControlTimeoutMs || *ms > kMaxControlTimeoutMs) {
      return fail(r, respond,
                  Status::invalid_argument("'timeout_ms' must be an integer from " +
                                           std::to_string(kMinControlTimeoutMs) + " to " +
                                           std::to_string(kMaxControlTimeoutMs)));
    }
    timeout_ms = static_cast<long>(*ms);
  }
  auto node = running_node(sup, r.args);
  if (!node.is_ok()) return fail(r, respond, node.status());
  const std::string& name = (*node)->spec.name;
  if (sup.is_zeek(**node)) {
    return zeek_control(sup, r, respond, **node, *cmd,
                        args != nullptr ? *args : msg::Value::empty_map(), timeout_ms);
  }
  const std::string dir = node_dir(sup.options(), (*node)->spec);
  if (!has_control_endpoint(sup.options(), (*node)->spec)) {
    return fail(
        r, respond,
        Status::unsupported(name + ": not supported by this node program (no control endpoint)"));
  }
  const auto deadline = sup.clock().now() + std::chrono::milliseconds(timeout_ms);
  Status started =
      sup.control().start(name, dir, r.id, *cmd, args != nullptr ? *args : msg::Value::empty_map(),
                          deadline, timeout_ms, respond);
  if (!started.is_ok()) fail(r, respond, started);
}

void cmd_backtrace(Supervisor& sup, const msg::Request& r, const Responder& respond) {
  auto node = running_node(sup, r.args);
  if (!node.is_ok()) return fail(r, respond, node.status());
  const std::string gdb = find_gdb();
  if (gdb.empty()) {
    return fail(r, respond, Status::unsupported("gdb is not installed on " + sup.options().host));
  }
  const pid_t pid = (*node)->pid;
  const JobSpec spec = process_backtrace_job(gdb, pid);
  const std::string host = sup.options().host;
  const std::string name = (*node)->spec.name;
  const std::uint64_t id = r.id;
  Status started = sup.jobs().start(spec, [respond, host, name, pid, id](const JobResult& res) {
    msg::Value v = msg::Value::empty_map();
    v.set("host", host)
        .set("node", name)
        .set("pid", static_cast<std::int64_t>(pid))
        .set("exit_code", res.exit.exited ? res.exit.exit_code : -1)
        .set("output", res.output)
        .set("truncated", res.truncated)
        .set("timed_out", res.timed_out);
    respond(msg::make_ok(id, std::move(v)));
  });
  if (!started.is_ok()) fail(r, respond, started);
}

}  // namespace bc::sup
