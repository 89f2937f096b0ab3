#include "config/node_scripts.h"

#include "common/strings.h"

namespace bc::config {
namespace {

struct ScriptOptions {
  const char* cluster;
  const char* site;
  const char* aux;  // nullptr: the type has no AuxScripts option
};

ScriptOptions options_for(NodeType type) {
  switch (type) {
    case NodeType::kStandalone:
      return {"Scripts-Standalone", "SitePolicyStandalone", "AuxScriptsStandalone"};
    case NodeType::kLogger:
    case NodeType::kManager:
      return {"Scripts-Manager", "SitePolicyManager", "AuxScriptsManager"};
    case NodeType::kProxy:
      return {"Scripts-Proxy", "SitePolicyWorker", nullptr};
    case NodeType::kWorker:
      break;
  }
  return {"Scripts-Worker", "SitePolicyWorker", "AuxScriptsWorker"};
}

}  // namespace

std::vector<std::string> node_scripts(const ClusterConfig& options, const NodeSpec& node) {
  const ScriptOptions names = options_for(node.type);
  std::vector<std::string> scripts;
  for (const char* option : {names.cluster, names.site, names.aux}) {
    if (option == nullptr) continue;
    for (auto& s : split_trimmed(options.get(option), " \t"))
      scripts.push_back(std::move(s));
  }
  scripts.insert(scripts.end(), node.aux_scripts.begin(), node.aux_scripts.end());
  return scripts;
}

}  // namespace bc::config
