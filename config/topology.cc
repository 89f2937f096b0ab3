// validate_topology(): the rules about which node types a cluster needs, which hold
// across sections and are therefore checked on the whole parsed list.

#include <algorithm>

#include "config/cluster.h"

namespace bc::config {
namespace {

std::vector<const NodeSpec*> of_type(const std::vector<NodeSpec>& nodes, NodeType type) {
  std::vector<const NodeSpec*> out;
  for (const NodeSpec& n : nodes) {
    if (n.type == type) out.push_back(&n);
  }
  return out;
}

// Standalone means one process doing everything; anything beside it is a mistake.
bool check_standalone(const std::vector<NodeSpec>& nodes, const std::string& file,
                      Diagnostics& diags) {
  const std::vector<const NodeSpec*> standalone = of_type(nodes, NodeType::kStandalone);
  if (standalone.empty()) return false;
  if (nodes.size() > 1) {
    for (const NodeSpec* s : standalone) {
      diags.error(file, s->line,
                  "a standalone node must be the only node, but node.cfg defines " +
                      std::to_string(nodes.size() - 1) + " other node(s)",
                  s->name);
    }
  }
  return true;
}

void check_managers(const std::vector<NodeSpec>& nodes, const std::string& file,
                    Diagnostics& diags) {
  const std::vector<const NodeSpec*> managers = of_type(nodes, NodeType::kManager);
  if (managers.empty()) {
    diags.error(file, 0, "no manager node: a cluster needs exactly one manager");
    return;
  }
  const NodeSpec& first = *managers.front();
  for (std::size_t i = 1; i < managers.size(); ++i) {
    diags.error(file, managers[i]->line,
                "a second manager (the first is '" + first.name + "' on line " +
                    std::to_string(first.line) + "); a cluster has exactly one manager",
                managers[i]->name);
  }
}

}  // namespace

void validate_topology(const std::vector<NodeSpec>& nodes, const std::string& file,
                       Diagnostics& diags) {
  if (nodes.empty()) {
    diags.error(file, 0, "no nodes defined (each node is a [name] section with type and host)");
    return;
  }
  if (check_standalone(nodes, file, diags)) return;
  check_managers(nodes, file, diags);
  if (of_type(nodes, NodeType::kProxy).empty()) {
    diags.error(file, 0, "no proxy node: a cluster needs at least one proxy");
  }
  if (of_type(nodes, NodeType::kWorker).empty()) {
    diags.error(file, 0, "no worker node: a cluster needs at least one worker");
  }
}

}  // namespace bc::config
