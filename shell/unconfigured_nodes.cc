#include "shell/unconfigured_nodes.h"

#include <algorithm>

#include "config/node_selection.h"
#include "shell/cluster_client.h"
#include "shell/node_args.h"

namespace bc::shell {

std::vector<UnconfiguredNode> unconfigured_in(const std::string& host, const msg::Value& result) {
  std::vector<UnconfiguredNode> out;
  const msg::Value* nodes = result.find("nodes");
  if (nodes == nullptr || nodes->as_array() == nullptr) return out;
  for (const msg::Value& n : *nodes->as_array()) {
    // Supervisors before this field knew no such nodes.
    if (n.get_bool("configured").value_or(true)) continue;
    UnconfiguredNode u;
    u.spec.name = n.get_string("name").value_or("");
    if (u.spec.name.empty()) continue;
    u.spec.host = host;
    u.spec.type = config::node_type_from_name(n.get_string("type").value_or(""))
                      .value_or(config::NodeType::kWorker);
    u.state = n.get_string("state").value_or("unknown");
    u.pid = n.get_int("pid").value_or(0);
    u.started_us = n.get_int("started_at").value_or(0);
    u.version = n.get_string("version").value_or("");
    out.push_back(std::move(u));
  }
  return out;
}

std::vector<UnconfiguredNode> find_unconfigured(ShellContext& ctx,
                                                const std::vector<std::string>& hosts,
                                                std::vector<Outcome>* replies) {
  std::vector<Call> calls;
  for (const std::string& host : hosts)
    calls.push_back({host, "status", msg::Value::empty_map(), host});
  std::vector<UnconfiguredNode> out;
  if (calls.empty()) return out;
  ClusterClient client(ctx.zmq(), *ctx.cluster(), ctx.security());
  std::vector<Outcome> outcomes = client.run(calls, client.comm_timeout());
  for (const Outcome& o : outcomes) {
    if (!o.reply.is_ok() || !o.reply->ok || !o.reply->result) continue;
    auto found = unconfigured_in(o.call.host, *o.reply->result);
    std::move(found.begin(), found.end(), std::back_inserter(out));
  }
  if (replies != nullptr) *replies = std::move(outcomes);
  return out;
}

std::string unconfigured_line(const UnconfiguredNode& node) {
  const std::string& name = node.spec.name;
  return name + " on " + node.spec.host + " is " + node.state +
         " but no longer configured; 'stop " + name + "' ends it";
}

msg::Value unconfigured_json(const std::vector<UnconfiguredNode>& nodes) {
  msg::Value list = msg::Value::empty_array();
  for (const UnconfiguredNode& n : nodes) {
    msg::Value v = msg::Value::empty_map();
    v.set("name", n.spec.name)
        .set("type", std::string(config::node_type_name(n.spec.type)))
        .set("host", n.spec.host)
        .set("state", n.state)
        .set("pid", n.pid)
        .set("started", n.started_us)
        .set("version", n.version);
    list.push_back(std::move(v));
  }
  return list;
}

bool selected_by(const config::NodeSpec& node, const std::vector<std::string>& args) {
  if (args.empty()) return true;
  for (const std::string& arg : args) {
    auto picked = config::select_nodes({node}, {arg});
    if (picked.is_ok() && !picked->empty()) return true;
  }
  return false;
}

std::vector<config::NodeSpec> NodeSelection::all() const {
  std::vector<config::NodeSpec> out = configured;
  for (const UnconfiguredNode& u : unconfigured)
    out.push_back(u.spec);
  return out;
}

std::optional<NodeSelection> select_with_unconfigured(ShellContext& ctx,
                                                      const std::vector<std::string>& args,
                                                      bool ask_supervisors) {
  const config::Cluster* cluster = ctx.cluster();
  if (cluster == nullptr) return std::nullopt;
  std::vector<std::string> known;
  std::vector<std::string> unknown;
  for (const std::string& arg : args)
    (config::select_nodes(cluster->nodes, {arg}).is_ok() ? known : unknown).push_back(arg);
  NodeSelection selection;
  if (args.empty() || !known.empty()) {
    auto nodes = config::select_nodes(cluster->nodes, known);
    if (!nodes.is_ok()) {
      ctx.fail(nodes.status());
      return std::nullopt;
    }
    selection.configured = std::move(*nodes);
  }
  if (!ask_supervisors && unknown.empty()) return selection;
  std::vector<std::string> hosts;
  for (const auto& [host, _] : by_host(cluster->nodes))
    hosts.push_back(host);
  for (UnconfiguredNode& u : find_unconfigured(ctx, hosts, &selection.host_status)) {
    if (selected_by(u.spec, args)) selection.unconfigured.push_back(std::move(u));
  }
  for (const std::string& name : unknown) {
    const bool found =
        std::any_of(selection.unconfigured.begin(), selection.unconfigured.end(),
                    [&](const UnconfiguredNode& u) { return selected_by(u.spec, {name}); });
    if (!found) {
      ctx.fail(config::select_nodes(cluster->nodes, {name}).status());
      return std::nullopt;
    }
  }
  return selection;
}

bool refuse_unconfigured(ShellContext& ctx, const NodeSelection& selection, const char* verb) {
  for (const UnconfiguredNode& u : selection.unconfigured)
    ctx.fail(std::string("cannot ") + verb + " " + u.spec.name + ": " + unconfigured_line(u));
  return selection.unconfigured.empty();
}

}  // namespace bc::shell
