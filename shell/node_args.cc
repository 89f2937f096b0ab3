#include "shell/node_args.h"

#include "config/node_selection.h"

namespace bc::shell {

std::optional<std::vector<config::NodeSpec>> selected_nodes(ShellContext& ctx,
                                                            const std::vector<std::string>& args) {
  const config::Cluster* cluster = ctx.cluster();
  if (cluster == nullptr) return std::nullopt;
  auto nodes = config::select_nodes(cluster->nodes, args);
  if (!nodes.is_ok()) {
    ctx.fail(nodes.status());
    return std::nullopt;
  }
  return std::move(*nodes);
}

std::vector<std::pair<std::string, std::vector<config::NodeSpec>>> by_host(
    const std::vector<config::NodeSpec>& nodes) {
  std::vector<std::pair<std::string, std::vector<config::NodeSpec>>> out;
  for (const auto& node : nodes) {
    auto it =
        std::find_if(out.begin(), out.end(), [&](const auto& p) { return p.first == node.host; });
    if (it == out.end()) it = out.insert(out.end(), {node.host, {}});
    it->second.push_back(node);
  }
  return out;
}

std::vector<Stage> start_stages(const std::vector<config::NodeSpec>& nodes) {
  std::vector<Stage> stages = {{"manager", {}}, {"proxies", {}}, {"workers", {}}};
  for (const auto& node : nodes) {
    switch (node.type) {
      case config::NodeType::kStandalone:
      case config::NodeType::kLogger:
      case config::NodeType::kManager:
        stages[0].nodes.push_back(node);
        break;
      case config::NodeType::kProxy:
        stages[1].nodes.push_back(node);
        break;
      case config::NodeType::kWorker:
        stages[2].nodes.push_back(node);
        break;
    }
  }
  if (!stages[0].nodes.empty() && stages[0].nodes.front().type == config::NodeType::kStandalone) {
    stages[0].label = stages[0].nodes.front().name;
  }
  std::erase_if(stages, [](const Stage& s) { return s.nodes.empty(); });
  return stages;
}

msg::Value nodes_arg(const std::vector<config::NodeSpec>& nodes) {
  msg::Value names = msg::Value::empty_array();
  for (const auto& node : nodes)
    names.push_back(node.name);
  msg::Value args = msg::Value::empty_map();
  args.set("nodes", std::move(names));
  return args;
}

}  // namespace bc::shell
