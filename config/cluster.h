#pragma once
// The whole configuration of a cluster as one value: cluster.cfg options, the expanded
// node list, networks and analysis settings, loaded from a BroBase and cross-validated
// (one manager, a proxy and a worker in a cluster, standalone alone, ...).

#include <string>
#include <vector>

#include "config/analysis.h"
#include "config/cluster_config.h"
#include "config/diagnostics.h"
#include "config/networks.h"
#include "config/node_config.h"

namespace bc::config {

struct Cluster {
  ClusterConfig options;
  std::vector<NodeSpec> nodes;  // sorted in type order, then by name
  std::vector<Network> networks;
  std::vector<AnalysisType> analysis;

  bool standalone() const;
  // Case-insensitive; nullptr when there is no such node.
  const NodeSpec* find(std::string_view name) const;
  // Distinct hosts in node order.
  std::vector<std::string> hosts() const;
};

struct LoadOptions {
  std::string base_dir;          // BroBase; the files are read from ${CfgDir}
  std::string cluster_cfg_path;  // overrides ${CfgDir}/cluster.cfg when non-empty
  HostResolver resolver;         // empty = system_resolver()
  // An installed snapshot (<SpoolDir>/installed/current, docs/INSTALL.md): the four files
  // are read from its etc/, the scripts from its policy/ and site/<n>/, and the node
  // program from its bin/ when it carries one. Paths of the host (BroBase, SpoolDir,
  // LogDir, ...) still follow base_dir.
  std::string install_dir;
};

// Loads and validates everything. The Cluster is returned even with errors (as complete
// as possible); callers check diags.has_errors().
Cluster load_cluster(const LoadOptions& options, Diagnostics& diags);

// Cross-file rules over an already parsed node list (exposed for tests).
void validate_topology(const std::vector<NodeSpec>& nodes, const std::string& file,
                       Diagnostics& diags);

}  // namespace bc::config
