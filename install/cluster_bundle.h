#pragma once
// The bundle of a cluster configuration as edited in a BroBase: what `install` sends and
// what a supervisor that has never had an install snapshots for itself (docs/INSTALL.md):
// the four etc files, PolicyDir, the SitePolicyPath directories, per-node load orders under
// auto/, and (HaveNFS=0) the node program and CustomInstallBin under bin/.

#include <optional>

#include "config/cluster.h"
#include "config/zeek_version.h"
#include "install/bundle_builder.h"

namespace bc::install {

// With `zeek` (the Zeek version of the nodes of profile zeek), the bundle also carries
// the Zeek files of zeek_files.h under auto/, their ports checked against the kernel's
// ephemeral range of this host; a port problem fails the bundle.
Result<Bundle> cluster_bundle(const config::Cluster& cluster,
                              const std::optional<config::ZeekVersion>& zeek = std::nullopt);

// <SpoolDir>/installed of the cluster's host.
std::string installed_root(const config::Cluster& cluster);

}  // namespace bc::install
