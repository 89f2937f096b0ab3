#include "shell/lifecycle_ops.h"

#include <algorithm>
#include <map>
#include <ostream>

#include "messages/codec.h"
#include "shell/cluster_client.h"
#include "shell/interrupt.h"
#include "shell/node_args.h"

namespace bc::shell {
namespace {

using std::chrono::milliseconds;

milliseconds option_ms(const config::Cluster& cluster, const char* name) {
  return milliseconds(static_cast<long>(cluster.options.get_double(name) * 1000));
}

// A node's tag in its call: one name may be on two hosts at once (moved by an install
// while it ran: the old host keeps it, unconfigured, until it is stopped).
std::string node_key(const config::NodeSpec& node) {
  return node.name + '@' + node.host;
}

// The per-node entry of a supervisor's start/stop reply.
const msg::Value* node_entry(const Outcome& o, const std::string& name) {
  if (!o.reply.is_ok() || !o.reply->result) return nullptr;
  const msg::Value* nodes = o.reply->result->find("nodes");
  return nodes != nullptr ? nodes->find(name) : nullptr;
}

std::string outcome_error(const Outcome& o) {
  if (!o.reply.is_ok()) return o.reply.status().message();
  return msg::reply_status(*o.reply).message();
}

// What the hosts of a stage said before it was worked: the hosts that did not answer, and
// the state and pid of every node the others know, by node_key().
struct Survey {
  std::vector<std::string> down;
  std::map<std::string, msg::Value> nodes;
};

// Asks every host of `nodes` for its status first (CommTimeout), so that a down host is
// reported at once instead of after the long start/stop deadline, and so that nodes already
// in the state asked for are left untouched (and said so) rather than reported as worked.
Survey survey_hosts(ShellContext& ctx, ClusterClient& client,
                    const std::vector<config::NodeSpec>& nodes) {
  std::vector<Call> calls;
  for (const auto& [host, host_nodes] : by_host(nodes))
    calls.push_back({host, "status", msg::Value::empty_map(), host});
  Survey survey;
  for (const Outcome& o : client.run(calls, client.comm_timeout())) {
    if (!o.reply.is_ok()) {
      survey.down.push_back(o.call.host);
      ctx.fail(o.reply.status().message());
      continue;
    }
    const msg::Value* list = o.reply->result ? o.reply->result->find("nodes") : nullptr;
    if (list == nullptr || list->as_array() == nullptr) continue;
    for (const msg::Value& n : *list->as_array()) {
      survey.nodes[n.get_string("name").value_or("") + '@' + o.call.host] = n;
    }
  }
  return survey;
}

// The --json entry of one node's outcome.
msg::Value node_json(const config::NodeSpec& node, const std::string& stage, bool ok,
                     const msg::Value* entry, const std::string& error) {
  msg::Value v = msg::Value::empty_map();
  v.set("name", node.name).set("host", node.host).set("stage", stage).set("ok", ok);
  if (entry != nullptr) {
    for (const char* key : {"state", "pid", "killed", "crashed_during_shutdown", "configured"}) {
      if (const msg::Value* field = entry->find(key)) v.set(key, *field);
    }
  }
  if (!ok) v.set("error", error);
  return v;
}

// " (pid N)" for an entry with a process, else "".
std::string pid_text(const msg::Value& entry) {
  auto pid = entry.get_int("pid");
  return pid.is_ok() && *pid > 0 ? " (pid " + std::to_string(*pid) + ")" : "";
}

// What start or stop asks of a node, and how the answers read.
struct Verb {
  const char* cmd;                             // "start"
  std::string (*describe)(const msg::Value&);  // a worked node's entry -> "started (pid 7)"
  std::string_view done_state;                 // "running": such a node is left untouched
  const char* done_text;                       // "already running"
  std::string_view busy_state;  // "initializing": someone else started it; waited for
  const char* busy_text;        // "was already starting; now running"
  const char* doing;            // "starting"
};

// Runs one stage: one request per node. A node already in the verb's done state is not
// asked; one on its way there (started by the collector, stopped by another shell) is
// waited for; both are counted as skipped, not as worked by us.
// A stage that Ctrl-C cancelled before it was asked for: its nodes are not attempted.
OpSummary cancelled_stage(ShellContext& ctx, const Stage& stage, std::string_view doing) {
  OpSummary summary;
  summary.not_attempted = static_cast<int>(stage.nodes.size());
  for (const auto& node : stage.nodes) {
    summary.nodes.push_back(
        node_json(node, stage.label, false, nullptr, "not attempted: cancelled (Ctrl-C)"));
  }
  if (!ctx.json()) ctx.out() << "not " << doing << ' ' << stage.label << ": cancelled (Ctrl-C)\n";
  return summary;
}

OpSummary run_stage(ShellContext& ctx, ClusterClient& client, const Stage& stage, const Verb& verb,
                    milliseconds timeout) {
  OpSummary summary;
  const Survey survey = survey_hosts(ctx, client, stage.nodes);
  if (interrupted()) return cancelled_stage(ctx, stage, verb.doing);
  const auto& down = survey.down;
  std::vector<Call> calls;
  std::map<std::string, msg::Value> results;  // by node_key(), printed in stage order
  std::map<std::string, const config::NodeSpec*> by_key;
  std::vector<std::string> busy;  // node_key()s
  for (const auto& node : stage.nodes) {
    by_key[node_key(node)] = &node;
    if (std::find(down.begin(), down.end(), node.host) != down.end()) {
      const std::string error = "host " + node.host + " unreachable";
      if (!ctx.json()) ctx.out() << "  " << node.name << " failed: " << error << '\n';
      results[node_key(node)] = node_json(node, stage.label, false, nullptr, error);
      ++summary.failed;
      continue;
    }
    const auto known = survey.nodes.find(node_key(node));
    const std::string state =
        known != survey.nodes.end() ? known->second.get_string("state").value_or("") : "";
    if (state == verb.done_state) {
      msg::Value entry = node_json(node, stage.label, true, &known->second, "");
      results[node_key(node)] = std::move(entry.set("skipped", true));
      ++summary.skipped;
      if (!ctx.json()) {
        ctx.out() << "  " << node.name << " is " << verb.done_text << pid_text(known->second)
                  << '\n';
      }
      continue;
    }
    if (state == verb.busy_state) busy.push_back(node_key(node));
    calls.push_back({node.host, verb.cmd, nodes_arg({node}), node_key(node)});
  }
  client.run(calls, timeout, [&](const Outcome& o) {
    const config::NodeSpec& node = *by_key.at(o.call.tag);
    const msg::Value* entry = node_entry(o, node.name);
    const bool ok = o.reply.is_ok() && o.reply->ok;
    const bool was_busy = ok && std::find(busy.begin(), busy.end(), o.call.tag) != busy.end();
    ok ? (was_busy ? ++summary.skipped : ++summary.ok) : ++summary.failed;
    const std::string error = ok ? std::string() : outcome_error(o);
    results[o.call.tag] = node_json(node, stage.label, ok, entry, error);
    if (was_busy) results[o.call.tag].set("skipped", true);
    if (ctx.json()) return;
    if (was_busy && entry != nullptr) {
      ctx.out() << "  " << node.name << ' ' << verb.busy_text << pid_text(*entry) << '\n'
                << std::flush;
    } else if (ok && entry != nullptr) {
      ctx.out() << "  " << node.name << ' ' << verb.describe(*entry) << '\n' << std::flush;
    } else {
      // Cancelled: the host was not heard from again, so whether it did it is not known.
      const bool cancelled = !o.reply.is_ok() && o.reply.status().code() == ErrorCode::kCancelled;
      ctx.out() << "  " << node.name << (cancelled ? " not confirmed: " : " failed: ") << error
                << '\n'
                << std::flush;
    }
  });
  for (const auto& node : stage.nodes)
    summary.nodes.push_back(std::move(results[node_key(node)]));
  return summary;
}

std::string describe_start(const msg::Value& entry) {
  return "started" + pid_text(entry);
}

std::string describe_stop(const msg::Value& entry) {
  if (entry.get_bool("crashed_during_shutdown").value_or(false)) {
    return "stopped, but crashed during shutdown; see diag";
  }
  const std::string how =
      entry.get_bool("killed").value_or(false) ? "stopped (killed after StopTimeout)" : "stopped";
  // It leaves its supervisor's table with its process: status no longer lists it.
  return entry.get_bool("configured").value_or(true) ? how : how + "; it was no longer configured";
}

constexpr Verb kStart{"start",           &describe_start, "running",
                      "already running", "initializing",  "was already starting; now running",
                      "starting"};
constexpr Verb kStop{"stop",        &describe_stop,
                     "stopped",     "already stopped",
                     "terminating", "was already stopping; now stopped",
                     "stopping"};

void add(OpSummary& total, const OpSummary& part) {
  total.ok += part.ok;
  total.failed += part.failed;
  total.skipped += part.skipped;
  total.not_attempted += part.not_attempted;
  if (const msg::Value::Array* nodes = part.nodes.as_array()) {
    for (const msg::Value& n : *nodes)
      total.nodes.push_back(n);
  }
}

}  // namespace

OpSummary start_nodes(ShellContext& ctx, const std::vector<config::NodeSpec>& nodes) {
  const config::Cluster& cluster = *ctx.cluster();
  if (!security::curve_enabled(cluster.options)) {
    ctx.warn(
        "BusSecurity = plain: the bus is neither authenticated nor encrypted; anyone "
        "who reaches port " +
        cluster.options.get("SupervisorPort") + " of a host can run commands there");
  }
  ClusterClient client(ctx.zmq(), cluster, ctx.security());
  const milliseconds timeout = option_ms(cluster, "StartTimeout") + client.comm_timeout();
  OpSummary total;
  total.skipped_as = "already running";
  bool failed = false;
  for (const Stage& stage : start_stages(nodes)) {
    if (interrupted()) {
      add(total, cancelled_stage(ctx, stage, kStart.doing));
      continue;
    }
    if (failed) {
      total.not_attempted += static_cast<int>(stage.nodes.size());
      for (const auto& node : stage.nodes) {
        total.nodes.push_back(
            node_json(node, stage.label, false, nullptr, "not attempted: an earlier stage failed"));
      }
      if (!ctx.json()) ctx.out() << "not starting " << stage.label << ": an earlier stage failed\n";
      continue;
    }
    if (!ctx.json()) ctx.out() << "starting " << stage.label << " ...\n" << std::flush;
    const OpSummary part = run_stage(ctx, client, stage, kStart, timeout);
    failed = part.failed > 0;
    add(total, part);
  }
  return total;
}

OpSummary stop_nodes(ShellContext& ctx, const std::vector<config::NodeSpec>& nodes) {
  const config::Cluster& cluster = *ctx.cluster();
  ClusterClient client(ctx.zmq(), cluster, ctx.security());
  // StopTimeout, then SIGKILL and its verification, then the way back.
  const milliseconds timeout =
      option_ms(cluster, "StopTimeout") + milliseconds(2000) + client.comm_timeout();
  OpSummary total;
  total.skipped_as = "already stopped";
  auto stages = start_stages(nodes);
  for (auto it = stages.rbegin(); it != stages.rend(); ++it) {
    if (interrupted()) {
      add(total, cancelled_stage(ctx, *it, kStop.doing));
      continue;
    }
    if (!ctx.json()) ctx.out() << "stopping " << it->label << " ...\n" << std::flush;
    add(total, run_stage(ctx, client, *it, kStop, timeout));
  }
  return total;
}

}  // namespace bc::shell
