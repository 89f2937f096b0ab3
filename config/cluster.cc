#include "config/cluster.h"

#include <sys/utsname.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <set>
#include <system_error>

#include "common/strings.h"
#include "common/version.h"
#include "config/node_selection.h"
#include "config/text_util.h"

namespace bc::config {

bool Cluster::standalone() const {
  return std::any_of(nodes.begin(), nodes.end(),
                     [](const NodeSpec& n) { return n.type == NodeType::kStandalone; });
}

const NodeSpec* Cluster::find(std::string_view name) const {
  for (const NodeSpec& n : nodes) {
    if (iequals(n.name, name)) return &n;
  }
  return nullptr;
}

std::vector<std::string> Cluster::hosts() const {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const NodeSpec& n : nodes) {
    if (seen.insert(to_lower(n.host)).second) out.push_back(n.host);
  }
  return out;
}

namespace {

enum class Need { kRequired, kOptional };

// The file's text; nullopt when it cannot be read. A missing optional file is not
// reported (networks.cfg and analysis.dat have defaults); any other failure is.
std::optional<std::string> read_config_file(const std::string& path, Need need,
                                            Diagnostics& diags) {
  int err = 0;
  std::optional<std::string> text = detail::read_text_file(path, &err);
  if (!text && !(need == Need::kOptional && err == ENOENT)) {
    diags.error(path, 0, "cannot read: " + std::generic_category().message(err));
  }
  return text;
}

std::map<std::string, std::string> presets_for(const LoadOptions& options) {
  std::map<std::string, std::string> presets;
  if (!options.base_dir.empty()) presets["BroBase"] = options.base_dir;
  presets["Version"] = kVersion;
  utsname uts{};
  if (uname(&uts) == 0) presets["OS"] = uts.sysname;
  return presets;
}

// Options that follow from node.cfg: StandAlone, and the empty default of BrokerHost.
// (An empty BindAddress stays empty: every daemon then binds the address node.cfg gives
// its host, which is loopback for a standalone node.)
void derive_options(Cluster& cluster, const std::string& cfg_path, Diagnostics& diags) {
  ClusterConfig& options = cluster.options;
  const bool standalone = cluster.standalone();
  if (options.get_bool("StandAlone") && !standalone && !cluster.nodes.empty()) {
    diags.warning(cfg_path, 0,
                  "option 'StandAlone' is derived from node.cfg, which has no standalone node; "
                  "using 0");
  }
  options.set("StandAlone", standalone ? "1" : "0");
  if (options.get("BrokerHost").empty()) {
    for (const NodeSpec& n : cluster.nodes) {
      if (n.type == NodeType::kManager || n.type == NodeType::kStandalone) {
        options.set("BrokerHost", n.host);
        break;
      }
    }
  }
}

// The site dirs of a snapshot, site/1, site/2, ... in SitePolicyPath order.
std::string installed_site_path(const std::string& install_dir) {
  std::string path;
  for (int i = 1;; ++i) {
    const std::string dir = install_dir + "/site/" + std::to_string(i);
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) break;
    path += (path.empty() ? "" : ":") + dir;
  }
  return path.empty() ? install_dir + "/site/1" : path;
}

void use_installed_files(ClusterConfig& options, const std::string& install_dir) {
  const std::string etc = install_dir + "/etc";
  options.set("CfgDir", etc);
  options.set("NodeCfg", etc + "/node.cfg");
  options.set("LocalNetsCfg", etc + "/networks.cfg");
  options.set("AnalysisCfg", etc + "/analysis.dat");
  options.set("PolicyDir", install_dir + "/policy");
  options.set("SitePolicyPath", installed_site_path(install_dir));
  const std::string program = options.get("NodeProgram");
  if (!program.empty()) {
    const std::string bundled =
        install_dir + "/bin/" + std::filesystem::path(program).filename().string();
    std::error_code ec;
    if (std::filesystem::is_regular_file(bundled, ec)) options.set("NodeProgram", bundled);
  }
}

}  // namespace

Cluster load_cluster(const LoadOptions& options, Diagnostics& diags) {
  Cluster cluster;
  std::map<std::string, std::string> presets = presets_for(options);
  std::string cfg_path = options.cluster_cfg_path;
  if (cfg_path.empty() && !options.install_dir.empty()) {
    cfg_path = options.install_dir + "/etc/cluster.cfg";
  }
  if (cfg_path.empty()) {
    // cluster.cfg cannot say where it is itself: use ClusterCfg's default location.
    Diagnostics ignored;
    cfg_path = parse_cluster_config("", "", presets, ignored).get("ClusterCfg");
  }
  presets["ClusterCfg"] = cfg_path;
  const std::optional<std::string> cfg_text = read_config_file(cfg_path, Need::kRequired, diags);
  cluster.options = parse_cluster_config(cfg_text.value_or(""), cfg_path, presets, diags);
  if (!options.install_dir.empty()) use_installed_files(cluster.options, options.install_dir);

  const std::string node_cfg = cluster.options.get("NodeCfg");
  if (const auto text = read_config_file(node_cfg, Need::kRequired, diags)) {
    cluster.nodes = parse_node_config(*text, node_cfg, cluster.options.get("env_vars"),
                                      options.resolver, diags);
    validate_topology(cluster.nodes, node_cfg, diags);
  }
  std::sort(cluster.nodes.begin(), cluster.nodes.end(), node_order_less);
  derive_options(cluster, cfg_path, diags);

  const std::string nets = cluster.options.get("LocalNetsCfg");
  if (const auto text = read_config_file(nets, Need::kOptional, diags)) {
    cluster.networks = parse_networks(*text, nets, diags);
  }
  const std::string analysis = cluster.options.get("AnalysisCfg");
  const auto analysis_text = read_config_file(analysis, Need::kOptional, diags);
  cluster.analysis =
      analysis_text ? parse_analysis(*analysis_text, analysis, diags) : default_analysis();
  return cluster;
}

}  // namespace bc::config
