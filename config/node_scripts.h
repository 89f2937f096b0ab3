#pragma once
// The policy scripts a node loads, in load order, as the manual has it: the cluster's own
// scripts for the node's type (Scripts-<Type>), then the site policy (SitePolicy<Type>,
// which loads local.bro), then AuxScripts<Type>, then the node's own aux_scripts — so the
// site can redefine every default. Names as configured; resolving them to files is the
// node program's job (and `scripts -p`'s).
//
// Types without options of their own: a logger loads what a manager loads; a proxy
// loads Scripts-Proxy and the workers' site policy (there is no SitePolicyProxy), and no
// AuxScripts list.

#include <string>
#include <vector>

#include "config/cluster_config.h"
#include "config/node_config.h"

namespace bc::config {

std::vector<std::string> node_scripts(const ClusterConfig& options, const NodeSpec& node);

}  // namespace bc::config
