#include "shell/lifecycle_ops.h"

#include <algorithm>
#include <map>

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

// What the hosts said before the first stage was worked: the hosts that did not answer, the
// state and pid of every node the others know, by node_key(), and each one's installed
// version.
struct Survey {
  std::vector<std::string> down;
  std::map<std::string, msg::Value> nodes;
  std::map<std::string, std::string> installed;
};

// Asks every host of `nodes` for its status once, before the first stage (CommTimeout), so
// that a down host is reported at once instead of after the long start/stop deadline, and
// so that nodes already in the state asked for are left untouched (and said so) rather than
// reported as worked. One round for all stages: a stage's own requests are answered with
// the state they leave, so asking again before each stage only added round trips.
// `known`: status replies the caller has already; used when they cover every host.
Survey survey_hosts(ClusterClient& client, const std::vector<config::NodeSpec>& nodes,
                    const LifecycleProgress& progress, const std::vector<Outcome>& known = {}) {
  std::vector<Call> calls;
  bool covered = true;
  for (const auto& [host, host_nodes] : by_host(nodes)) {
    calls.push_back({host, "status", msg::Value::empty_map(), host});
    covered = covered && std::any_of(known.begin(), known.end(), [&](const Outcome& o) {
                return o.call.host == host && o.call.cmd == "status";
              });
  }
  Survey survey;
  for (const Outcome& o : covered ? known : client.run(calls, client.comm_timeout())) {
    if (!o.reply.is_ok()) {
      survey.down.push_back(o.call.host);
      if (progress.host_down) progress.host_down(o.reply.status());
      continue;
    }
    if (o.reply->ok && o.reply->result) {
      survey.installed[o.call.host] = o.reply->result->get_string("installed").value_or("");
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

// What start or stop asks of a node, and which states mean it need not or need not again.
struct Verb {
  const char* cmd;              // "start"
  std::string_view done_state;  // "running": such a node is left untouched
  std::string_view busy_state;  // "initializing": someone else started it; waited for
};

constexpr Verb kStart{"start", "running", "initializing"};
constexpr Verb kStop{"stop", "stopped", "terminating"};

// Counts `outcome` and adds its --json entry.
void record(OpSummary& summary, const std::string& stage, const NodeOutcome& outcome,
            std::map<std::string, msg::Value>& entries) {
  using Kind = NodeOutcome::Kind;
  const bool ok = outcome.kind == Kind::kWorked || outcome.kind == Kind::kAlready ||
                  outcome.kind == Kind::kJoined;
  ok ? (outcome.kind == Kind::kWorked ? ++summary.ok : ++summary.skipped) : ++summary.failed;
  msg::Value entry = node_json(outcome.node, stage, ok,
                               outcome.entry.is_nil() ? nullptr : &outcome.entry, outcome.error);
  if (outcome.kind == Kind::kAlready || outcome.kind == Kind::kJoined) entry.set("skipped", true);
  entries[node_key(outcome.node)] = std::move(entry);
}

// A stage not worked (an earlier one failed, or Ctrl-C): its nodes are not attempted.
OpSummary stage_not_run(const Stage& stage, const std::string& why,
                        const LifecycleProgress& progress) {
  OpSummary summary;
  summary.not_attempted = static_cast<int>(stage.nodes.size());
  for (const auto& node : stage.nodes) {
    summary.nodes.push_back(node_json(node, stage.label, false, nullptr, "not attempted: " + why));
  }
  if (progress.stage_not_run) progress.stage_not_run(stage.label, why);
  return summary;
}

// The outcome of one node's request.
NodeOutcome outcome_of(const config::NodeSpec& node, const Outcome& o, bool was_busy) {
  NodeOutcome out{node, NodeOutcome::Kind::kWorked, msg::Value(), ""};
  if (const msg::Value* entry = node_entry(o, node.name)) out.entry = *entry;
  if (o.reply.is_ok() && o.reply->ok) {
    if (was_busy) out.kind = NodeOutcome::Kind::kJoined;
    return out;
  }
  // Cancelled: the host was not heard from again, so whether it did it is not known.
  const bool cancelled = !o.reply.is_ok() && o.reply.status().code() == ErrorCode::kCancelled;
  out.kind = cancelled ? NodeOutcome::Kind::kUnconfirmed : NodeOutcome::Kind::kFailed;
  out.error = outcome_error(o);
  return out;
}

// Runs one stage: one request per node. A node already in the verb's done state is not
// asked; one on its way there (started by the collector, stopped by another shell) is
// waited for; both are counted as skipped, not as worked by us.
OpSummary run_stage(ClusterClient& client, const Survey& survey, const Stage& stage,
                    const Verb& verb, milliseconds timeout, const LifecycleProgress& progress) {
  OpSummary summary;
  std::vector<Call> calls;
  std::map<std::string, msg::Value> entries;  // by node_key(), listed in stage order
  std::map<std::string, const config::NodeSpec*> by_key;
  std::vector<std::string> busy;  // node_key()s
  const auto done = [&](const NodeOutcome& outcome) {
    record(summary, stage.label, outcome, entries);
    if (progress.node_done) progress.node_done(outcome);
  };
  for (const auto& node : stage.nodes) {
    by_key[node_key(node)] = &node;
    const auto& down = survey.down;
    if (std::find(down.begin(), down.end(), node.host) != down.end()) {
      done({node, NodeOutcome::Kind::kFailed, msg::Value(), "host " + node.host + " unreachable"});
      continue;
    }
    const auto known = survey.nodes.find(node_key(node));
    const std::string state =
        known != survey.nodes.end() ? known->second.get_string("state").value_or("") : "";
    if (state == verb.done_state) {
      done({node, NodeOutcome::Kind::kAlready, known->second, ""});
      continue;
    }
    if (state == verb.busy_state) busy.push_back(node_key(node));
    calls.push_back({node.host, verb.cmd, nodes_arg({node}), node_key(node)});
  }
  client.run(calls, timeout, [&](const Outcome& o) {
    const bool was_busy = std::find(busy.begin(), busy.end(), o.call.tag) != busy.end();
    done(outcome_of(*by_key.at(o.call.tag), o, was_busy));
  });
  for (const auto& node : stage.nodes)
    summary.nodes.push_back(std::move(entries[node_key(node)]));
  return summary;
}

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

constexpr const char* kCancelled = "cancelled (Ctrl-C)";

}  // namespace

OpSummary start_nodes(ShellContext& ctx, const std::vector<config::NodeSpec>& nodes,
                      const LifecycleProgress& progress) {
  const config::Cluster& cluster = *ctx.cluster();
  if (!security::curve_enabled(cluster.options) && progress.warning) {
    progress.warning(
        "BusSecurity = plain: the bus is neither authenticated nor encrypted; anyone "
        "who reaches port " +
        cluster.options.get("SupervisorPort") + " of a host can run commands there");
  }
  ClusterClient client(ctx.zmq(), cluster, ctx.security());
  const milliseconds timeout = option_ms(cluster, "StartTimeout") + client.comm_timeout();
  OpSummary total;
  total.skipped_as = "already running";
  const Survey survey = survey_hosts(client, nodes, progress);
  total.installed = survey.installed;
  bool failed = false;
  for (const Stage& stage : start_stages(nodes)) {
    if (interrupted() || failed) {
      add(total,
          stage_not_run(stage, interrupted() ? kCancelled : "an earlier stage failed", progress));
      continue;
    }
    if (progress.stage_begins) progress.stage_begins(stage.label);
    const OpSummary part = run_stage(client, survey, stage, kStart, timeout, progress);
    failed = part.failed > 0;
    add(total, part);
  }
  return total;
}

OpSummary stop_nodes(ShellContext& ctx, const std::vector<config::NodeSpec>& nodes,
                     const LifecycleProgress& progress, const std::vector<Outcome>& host_status) {
  const config::Cluster& cluster = *ctx.cluster();
  ClusterClient client(ctx.zmq(), cluster, ctx.security());
  // StopTimeout, then SIGKILL and its verification, then the way back.
  const milliseconds timeout =
      option_ms(cluster, "StopTimeout") + milliseconds(2000) + client.comm_timeout();
  OpSummary total;
  total.skipped_as = "already stopped";
  const Survey survey = survey_hosts(client, nodes, progress, host_status);
  total.installed = survey.installed;
  auto stages = start_stages(nodes);
  for (auto it = stages.rbegin(); it != stages.rend(); ++it) {
    if (interrupted()) {
      add(total, stage_not_run(*it, kCancelled, progress));
      continue;
    }
    if (progress.stage_begins) progress.stage_begins(it->label);
    add(total, run_stage(client, survey, *it, kStop, timeout, progress));
  }
  return total;
}

}  // namespace bc::shell
