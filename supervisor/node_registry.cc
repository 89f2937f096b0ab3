#include "supervisor/node_registry.h"

#include <algorithm>

#include "common/strings.h"

namespace bc::sup {

std::string_view install_fate_name(InstallFate fate) {
  switch (fate) {
    case InstallFate::kAdded:
      return "added";
    case InstallFate::kUpdated:
      return "updated";
    case InstallFate::kUnconfigured:
      return "unconfigured";
    case InstallFate::kRemoved:
      return "removed";
  }
  return "?";
}

std::map<std::string, InstallFate> plan_install(const std::vector<KnownNode>& known,
                                                const std::vector<config::NodeSpec>& fresh) {
  std::map<std::string, InstallFate> plan;
  for (const KnownNode& node : known)
    plan[node.name] = node.has_process ? InstallFate::kUnconfigured : InstallFate::kRemoved;
  for (const config::NodeSpec& spec : fresh) {
    auto [it, added] = plan.try_emplace(spec.name, InstallFate::kAdded);
    if (!added) it->second = InstallFate::kUpdated;
  }
  return plan;
}

bool should_retire(bool configured, NodeState state, bool record_pending) {
  return !configured && !has_process(state) && !record_pending;
}

Result<std::vector<std::string>> select_names(const std::vector<std::string>& configured,
                                              const std::vector<std::string>& unconfigured,
                                              const std::vector<std::string>& requested,
                                              bool with_unconfigured, const std::string& host) {
  const auto named = [&](const std::string& name) {
    return requested.empty() ||
           std::find(requested.begin(), requested.end(), name) != requested.end();
  };
  for (const std::string& name : requested) {
    const bool known =
        std::find(configured.begin(), configured.end(), name) != configured.end() ||
        std::find(unconfigured.begin(), unconfigured.end(), name) != unconfigured.end();
    if (!known) {
      // Most often a node just added to node.cfg: the supervisor knows the installed one.
      return Status::not_found("unknown node '" + printable(name) + "' on host " + host +
                               " (not in its installed node.cfg: run install after adding it)");
    }
  }
  std::vector<std::string> out;
  for (const std::string& name : configured) {
    if (named(name)) out.push_back(name);
  }
  for (const std::string& name : unconfigured) {
    if (with_unconfigured || named(name)) out.push_back(name);
  }
  return out;
}

config::NodeSpec unconfigured_spec(const std::string& name, const std::string& host,
                                   const PersistedNode& saved) {
  config::NodeSpec spec;
  spec.name = name;
  spec.host = host;
  spec.type = config::node_type_from_name(saved.type).value_or(config::NodeType::kWorker);
  spec.program = saved.program;
  return spec;
}

}  // namespace bc::sup
