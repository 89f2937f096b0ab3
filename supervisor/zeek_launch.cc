#include "supervisor/zeek_launch.h"

#include <filesystem>

#include "common/env_list.h"
#include "common/strings.h"

namespace bc::sup {
namespace {

// The AuxScripts<Type> option of the manual for this node's type (none for proxies).
const char* aux_option(config::NodeType type) {
  switch (type) {
    case config::NodeType::kStandalone:
      return "AuxScriptsStandalone";
    case config::NodeType::kLogger:
    case config::NodeType::kManager:
      return "AuxScriptsManager";
    case config::NodeType::kWorker:
      return "AuxScriptsWorker";
    case config::NodeType::kProxy:
      break;
  }
  return nullptr;
}

// zeekctl's _make_zeek_params(node, live): a check is not live (no packets, no trace, no
// `zeekctl-live` prefix).
std::vector<std::string> make_args(const config::ClusterConfig& options,
                                   const config::NodeSpec& node, const ZeekVersion& version,
                                   bool live) {
  const bool standalone = node.type == config::NodeType::kStandalone;
  std::vector<std::string> args;
  if (live && !node.interface.empty()) {
    args.insert(args.end(), {"-i", node.interface});
    if (options.get_bool("SaveTraces")) args.insert(args.end(), {"-w", "trace.pcap"});
  }
  args.insert(args.end(), {"-U", ".status", "-p", "zeekctl"});
  if (live) args.insert(args.end(), {"-p", "zeekctl-live"});
  if (standalone) args.insert(args.end(), {"-p", "standalone"});
  for (const std::string& prefix : split_trimmed(options.get("Prefixes"), ":"))
    args.insert(args.end(), {"-p", prefix});
  args.insert(args.end(), {"-p", node.name});
  // Zeek 8.2 made the backend a script loaded first (zeekctl 2.6.0-65); before, cluster
  // nodes load the cluster framework after the common configuration.
  const bool backend_first = version >= ZeekVersion{8, 2, 0};
  if (backend_first) {
    args.push_back("policy/frameworks/cluster/backend/" + to_lower(options.get("ClusterBackend")));
  }
  for (std::string& script : split_trimmed(options.get("SitePolicyScripts"), " \t"))
    args.push_back(std::move(script));
  args.emplace_back("brocluster");
  if (standalone) {
    args.emplace_back("brocluster/standalone");
  } else if (!backend_first) {
    args.emplace_back("base/frameworks/cluster");
  }
  args.emplace_back("brocluster/auto");
  if (const char* aux = aux_option(node.type)) {
    for (std::string& script : split_trimmed(options.get(aux), " \t"))
      args.push_back(std::move(script));
  }
  args.insert(args.end(), node.aux_scripts.begin(), node.aux_scripts.end());
  for (std::string& arg : split_trimmed(options.get("BroArgs"), " \t"))
    args.push_back(std::move(arg));
  return args;
}

}  // namespace

std::string zeek_share_dir(const std::string& binary_path) {
  const std::filesystem::path bin = std::filesystem::path(binary_path).parent_path();
  return (bin.parent_path() / "share" / "zeek").string();
}

ZeekInstall zeek_install(const std::string& installed_dir, const config::ClusterConfig& options) {
  ZeekInstall out;
  out.site_path = options.get("SitePolicyPath");
  out.auto_dir = installed_dir + "/auto";
  out.script_dir = installed_dir + "/policy/zeek";
  return out;
}

std::vector<std::string> zeek_args(const config::ClusterConfig& options,
                                   const config::NodeSpec& node, const ZeekVersion& version) {
  return make_args(options, node, version, true);
}

std::vector<std::string> zeek_check_args(const config::ClusterConfig& options,
                                         const config::NodeSpec& node, const ZeekVersion& version) {
  std::vector<std::string> args = make_args(options, node, version, false);
  args.emplace_back("brocluster/check");
  return args;
}

std::string zeek_path(const ZeekInstall& install, const std::string& share_dir) {
  std::vector<std::string> dirs = split_trimmed(install.site_path, ":");
  for (const std::string* dir : {&install.auto_dir, &install.script_dir}) {
    if (!dir->empty()) dirs.push_back(*dir);
  }
  for (const char* sub : {"", "/policy", "/site", "/builtin-plugins"})
    dirs.push_back(share_dir + sub);
  return join(dirs, ":");
}

std::vector<std::string> zeek_environment(std::vector<std::string> env,
                                          const config::NodeSpec& node, const std::string& dir,
                                          const ZeekBinary& zeek, const ZeekInstall& install) {
  const std::string bin_dir = std::filesystem::path(zeek.path).parent_path().string();
  const std::string path = env_value(env, "PATH");
  set_env(env, "PATH", path.empty() ? bin_dir : bin_dir + ":" + path);
  set_env(env, "ZEEKPATH", zeek_path(install, zeek.share_dir));
  if (node.type != config::NodeType::kStandalone) set_env(env, "CLUSTER_NODE", node.name);
  set_env(env, "CLUSTER_SPOOL", dir);
  for (const auto& [key, value] : node.env_vars)
    set_env(env, key, value);
  return env;
}

}  // namespace bc::sup
