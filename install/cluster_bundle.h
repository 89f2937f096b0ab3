#pragma once
// The bundle of a cluster configuration as edited in a BroBase: what `install` sends and
// what a supervisor that has never had an install snapshots for itself (docs/INSTALL.md):
// the four etc files, PolicyDir, the SitePolicyPath directories, per-node load orders under
// auto/, and (HaveNFS=0) the node program and CustomInstallBin under bin/.

#include "config/cluster.h"
#include "install/bundle_builder.h"

namespace bc::install {

Result<Bundle> cluster_bundle(const config::Cluster& cluster);

// <SpoolDir>/installed of the cluster's host.
std::string installed_root(const config::Cluster& cluster);

}  // namespace bc::install
