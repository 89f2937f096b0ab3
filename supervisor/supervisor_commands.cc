#include "supervisor/supervisor_commands.h"

#include <signal.h>
#include <unistd.h>

#include <array>
#include <cstring>

#include "common/strings.h"
#include "common/version.h"
#include "supervisor/host_commands.h"
#include "supervisor/install_commands.h"
#include "supervisor/node_commands.h"

namespace bc::sup {
namespace {

using Responder = Supervisor::Responder;
using Handler = void (*)(Supervisor&, const msg::Request&, const Responder&);

void fail(const msg::Request& r, const Responder& respond, const Status& s) {
  respond(msg::make_error(r.id, s));
}

void cmd_ping(Supervisor& sup, const msg::Request& r, const Responder& respond) {
  msg::Value v = msg::Value::empty_map();
  v.set("host", sup.options().host)
      .set("pid", static_cast<std::int64_t>(getpid()))
      .set("version", kVersion)
      .set("nodes", static_cast<std::uint64_t>(sup.nodes().size()))
      .set("state_version", sup.state_version())
      .set("installed", sup.installer().current_version().value_or(""));
  respond(msg::make_ok(r.id, std::move(v)));
}

void cmd_status(Supervisor& sup, const msg::Request& r, const Responder& respond) {
  auto nodes = sup.select(r.args);
  if (!nodes.is_ok()) return fail(r, respond, nodes.status());
  msg::Value list = msg::Value::empty_array();
  for (Node* node : *nodes)
    list.push_back(sup.node_status(*node));
  msg::Value v = msg::Value::empty_map();
  // seq, state_version and as_of say which events the answer already reflects: a monitor
  // applies only the later ones (docs/PROTOCOL.md §6).
  v.set("host", sup.options().host)
      .set("installed", sup.installer().current_version().value_or(""))
      .set("seq", sup.published_seq())
      .set("state_version", sup.state_version())
      .set("as_of", sup.clock().wall_us())
      .set("nodes", std::move(list));
  respond(msg::make_ok(r.id, std::move(v)));
}

void cmd_top(Supervisor& sup, const msg::Request& r, const Responder& respond) {
  auto nodes = sup.select(r.args);
  if (!nodes.is_ok()) return fail(r, respond, nodes.status());
  msg::Value list = msg::Value::empty_array();
  for (Node* node : *nodes)
    list.push_back(sup.node_top(*node));
  msg::Value v = msg::Value::empty_map();
  v.set("host", sup.options().host).set("nodes", std::move(list));
  respond(msg::make_ok(r.id, std::move(v)));
}

// start, stop, cleanup, mark_failed: one lifecycle event per selected node, one reply
// once every node has an outcome. Stop goes in reverse start order (workers first).
void lifecycle_command(Supervisor& sup, const msg::Request& r, const Responder& respond,
                       NodeEvent event, bool reverse) {
  auto nodes = sup.select(r.args);
  if (!nodes.is_ok()) return fail(r, respond, nodes.status());
  if (reverse) std::reverse(nodes->begin(), nodes->end());
  auto pending = std::make_shared<PendingReply>(r.id, r.cmd, respond);
  for (Node* node : *nodes)
    pending->expect(node->spec.name);
  for (Node* node : *nodes) {
    if (event == NodeEvent::kStart && !node->configured) {
      // Its definition is gone from the installed snapshot: whoever asks (an operator, the
      // collector's restart) learns why, and the process, if any, is left as it is.
      pending->report(
          node->spec.name,
          Status(ErrorCode::kConflict,
                 node->spec.name + " is no longer configured on host " + sup.options().host +
                     " (an install removed it); it can be " + "stopped, not started"),
          sup.node_status(*node));
      continue;
    }
    node->last_reason = r.cmd + " requested";
    sup.apply(*node, event, pending);
  }
  pending->seal();
}

void cmd_start(Supervisor& sup, const msg::Request& r, const Responder& respond) {
  lifecycle_command(sup, r, respond, NodeEvent::kStart, false);
}
void cmd_stop(Supervisor& sup, const msg::Request& r, const Responder& respond) {
  lifecycle_command(sup, r, respond, NodeEvent::kStop, true);
}
void cmd_mark_failed(Supervisor& sup, const msg::Request& r, const Responder& respond) {
  lifecycle_command(sup, r, respond, NodeEvent::kMarkFailed, false);
}

std::optional<int> signal_number(const msg::Value* v) {
  if (v == nullptr) return std::nullopt;
  if (auto n = v->as_int(); n && *n > 0 && *n < NSIG) return static_cast<int>(*n);
  const std::string* name = v->as_string();
  if (name == nullptr) return std::nullopt;
  std::string bare = name->starts_with("SIG") ? name->substr(3) : *name;
  for (int sig = 1; sig < NSIG; ++sig) {
    const char* abbrev = sigabbrev_np(sig);
    if (abbrev != nullptr && bare == abbrev) return sig;
  }
  return std::nullopt;
}

void cmd_signal(Supervisor& sup, const msg::Request& r, const Responder& respond) {
  const auto sig = signal_number(r.args.find("signal"));
  if (!sig)
    return fail(r, respond, Status::invalid_argument("'signal' must be a signal name or number"));
  auto nodes = sup.select(r.args);
  if (!nodes.is_ok()) return fail(r, respond, nodes.status());
  PendingReply pending(r.id, r.cmd, respond);
  for (Node* node : *nodes)
    pending.expect(node->spec.name);
  for (Node* node : *nodes) {
    const bool sent = node->pid > 0 && kill(-node->pid, *sig) == 0;
    pending.report(
        node->spec.name,
        sent ? Status::ok() : Status(ErrorCode::kConflict, node->spec.name + " is not running"),
        sup.node_status(*node));
  }
  pending.seal();
}

struct CommandEntry {
  std::string_view name;
  Handler handler;
};

constexpr std::array kCommands = {
    CommandEntry{"backtrace", &cmd_backtrace},
    CommandEntry{"cancel", &cmd_cancel},
    CommandEntry{"capstats", &cmd_capstats},
    CommandEntry{"cleanup", &cmd_cleanup},
    CommandEntry{"crashes", &cmd_crashes},
    CommandEntry{"df", &cmd_df},
    CommandEntry{"diag", &cmd_diag},
    CommandEntry{"exec", &cmd_exec},
    CommandEntry{"install_begin", &cmd_install_begin},
    CommandEntry{"install_chunk", &cmd_install_chunk},
    CommandEntry{"install_commit", &cmd_install_commit},
    CommandEntry{"mark_failed", &cmd_mark_failed},
    CommandEntry{"node_control", &cmd_node_control},
    CommandEntry{"ping", &cmd_ping},
    CommandEntry{"signal", &cmd_signal},
    CommandEntry{"start", &cmd_start},
    CommandEntry{"status", &cmd_status},
    CommandEntry{"stop", &cmd_stop},
    CommandEntry{"top", &cmd_top},
    CommandEntry{"watch_crashes", &cmd_watch_crashes},
};

}  // namespace

void handle_command(Supervisor& sup, const msg::Request& request, const Responder& respond) {
  for (const auto& entry : kCommands) {
    if (entry.name == request.cmd) return entry.handler(sup, request, respond);
  }
  respond(msg::make_error(request.id, Status(ErrorCode::kUnknownCommand,
                                             "unknown command '" + printable(request.cmd) + "'")));
}

std::vector<std::string_view> supervisor_command_names() {
  std::vector<std::string_view> names;
  for (const auto& entry : kCommands)
    names.push_back(entry.name);
  return names;
}

}  // namespace bc::sup
