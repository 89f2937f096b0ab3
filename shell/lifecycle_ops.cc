#include "shell/lifecycle_ops.h"

#include <algorithm>
#include <map>
#include <ostream>

#include "messages/codec.h"
#include "shell/cluster_client.h"
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

// Asks every host of `nodes` for a ping first (CommTimeout), so that a down host is
// reported at once instead of after the long start/stop deadline.
std::vector<std::string> unreachable_hosts(ShellContext& ctx, ClusterClient& client,
                                           const std::vector<config::NodeSpec>& nodes) {
  std::vector<Call> pings;
  for (const auto& [host, host_nodes] : by_host(nodes))
    pings.push_back({host, "ping", msg::Value::empty_map(), host});
  std::vector<std::string> down;
  for (const Outcome& o : client.run(pings, client.comm_timeout())) {
    if (!o.reply.is_ok()) {
      down.push_back(o.call.host);
      ctx.fail(o.reply.status().message());
    }
  }
  return down;
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

// Runs one stage: one request per node; `describe` turns a successful node entry into
// the text after the node name.
OpSummary run_stage(ShellContext& ctx, ClusterClient& client, const Stage& stage, const char* cmd,
                    milliseconds timeout, std::string (*describe)(const msg::Value&)) {
  OpSummary summary;
  const auto down = unreachable_hosts(ctx, client, stage.nodes);
  std::vector<Call> calls;
  std::map<std::string, msg::Value> results;  // by node_key(), printed in stage order
  std::map<std::string, const config::NodeSpec*> by_key;
  for (const auto& node : stage.nodes) {
    by_key[node_key(node)] = &node;
    if (std::find(down.begin(), down.end(), node.host) != down.end()) {
      const std::string error = "host " + node.host + " unreachable";
      if (!ctx.json()) ctx.out() << "  " << node.name << " failed: " << error << '\n';
      results[node_key(node)] = node_json(node, stage.label, false, nullptr, error);
      ++summary.failed;
      continue;
    }
    calls.push_back({node.host, cmd, nodes_arg({node}), node_key(node)});
  }
  client.run(calls, timeout, [&](const Outcome& o) {
    const config::NodeSpec& node = *by_key.at(o.call.tag);
    const msg::Value* entry = node_entry(o, node.name);
    const bool ok = o.reply.is_ok() && o.reply->ok;
    ok ? ++summary.ok : ++summary.failed;
    const std::string error = ok ? std::string() : outcome_error(o);
    results[o.call.tag] = node_json(node, stage.label, ok, entry, error);
    if (ctx.json()) return;
    if (ok && entry != nullptr) {
      ctx.out() << "  " << node.name << ' ' << describe(*entry) << '\n' << std::flush;
    } else {
      ctx.out() << "  " << node.name << " failed: " << error << '\n' << std::flush;
    }
  });
  for (const auto& node : stage.nodes)
    summary.nodes.push_back(std::move(results[node_key(node)]));
  return summary;
}

std::string describe_start(const msg::Value& entry) {
  auto pid = entry.get_int("pid");
  return "started" + (pid.is_ok() && *pid > 0 ? " (pid " + std::to_string(*pid) + ")" : "");
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

void add(OpSummary& total, const OpSummary& part) {
  total.ok += part.ok;
  total.failed += part.failed;
  total.skipped += part.skipped;
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
  bool failed = false;
  for (const Stage& stage : start_stages(nodes)) {
    if (failed) {
      total.skipped += static_cast<int>(stage.nodes.size());
      for (const auto& node : stage.nodes) {
        total.nodes.push_back(
            node_json(node, stage.label, false, nullptr, "not attempted: an earlier stage failed"));
      }
      if (!ctx.json()) ctx.out() << "not starting " << stage.label << ": an earlier stage failed\n";
      continue;
    }
    if (!ctx.json()) ctx.out() << "starting " << stage.label << " ...\n" << std::flush;
    const OpSummary part = run_stage(ctx, client, stage, "start", timeout, &describe_start);
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
  auto stages = start_stages(nodes);
  for (auto it = stages.rbegin(); it != stages.rend(); ++it) {
    if (!ctx.json()) ctx.out() << "stopping " << it->label << " ...\n" << std::flush;
    add(total, run_stage(ctx, client, *it, "stop", timeout, &describe_stop));
  }
  return total;
}

}  // namespace bc::shell
