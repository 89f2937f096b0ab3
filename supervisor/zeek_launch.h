#pragma once
// How a node of profile zeek is started: the argv, ZEEKPATH and environment zeekctl gives
// Zeek (ZeekControl/control.py _make_zeek_params/_make_env_params, bin/run-zeek,
// bin/set-zeek-path), built from the installed snapshot and the Zeek binary found.
// Pure: no files are read and no process is run here, so every case has a golden test.
// Its own library (bc_zeek_launch): the shell's `check` and `scripts` run Zeek with the same
// argv and environment.
// docs/ZEEK.md lists what differs from zeekctl.

#include <compare>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/cluster_config.h"
#include "config/node_config.h"
#include "config/zeek_version.h"

namespace bc::sup {

// The one Zeek version type and parser of the code base (config/zeek_version.h).
using ZeekVersion = config::ZeekVersion;
using config::parse_zeek_version;
inline std::string to_string(const ZeekVersion& v) {
  return v.to_string();
}

// The Zeek binary a node runs, as found on this host.
struct ZeekBinary {
  std::string path;       // absolute, as executed
  std::string share_dir;  // <prefix>/share/zeek: Zeek's own scripts
  ZeekVersion version;
};

// <prefix>/share/zeek for <prefix>/bin/zeek (symbolic links resolved by the caller).
std::string zeek_share_dir(const std::string& binary_path);

// The snapshot paths a Zeek node reads, all through <SpoolDir>/installed/current so that a
// restart after an install sees the new version.
struct ZeekInstall {
  std::string site_path;   // SitePolicyPath of the snapshot: its site/<n> dirs, ':'-separated
  std::string auto_dir;    // <installed>/auto: cluster-layout.zeek and the generated scripts
  std::string script_dir;  // <installed>/policy/zeek: our script package `brocluster`
};
ZeekInstall zeek_install(const std::string& installed_dir, const config::ClusterConfig& options);

// Zeek's arguments after argv[0]:
//   [-i <interface>] [-w trace.pcap] -U .status -p zeekctl -p zeekctl-live [-p standalone]
//   -p <Prefixes...> -p <node> [policy/frameworks/cluster/backend/<b> on Zeek >= 8.2]
//   <SitePolicyScripts> brocluster [brocluster/standalone | base/frameworks/cluster (< 8.2)]
//   brocluster/auto <AuxScripts<Type>> <aux_scripts> <BroArgs>
std::vector<std::string> zeek_args(const config::ClusterConfig& options,
                                   const config::NodeSpec& node, const ZeekVersion& version);

// The arguments of `check` and `scripts` for a node of this kind, as zeekctl's check-config
// gets them (_make_zeek_params with live off): no -i/-w and no `-p zeekctl-live`, and
// `brocluster/check` last. The caller adds `-a` for a check.
std::vector<std::string> zeek_check_args(const config::ClusterConfig& options,
                                         const config::NodeSpec& node, const ZeekVersion& version);

// ZEEKPATH as set-zeek-path builds it with the installed policies: site dirs, auto dir,
// (our script package), then Zeek's <share>, <share>/policy, <share>/site,
// <share>/builtin-plugins.
std::string zeek_path(const ZeekInstall& install, const std::string& share_dir);

// The node's whole environment: `inherited` entries (PATH, HOME, ... of the supervisor) with
// the Zeek binary's dir in front of PATH, ZEEKPATH, CLUSTER_NODE (not for a standalone
// node), CLUSTER_SPOOL (so that a restarted supervisor finds the process; Zeek ignores it),
// then the env_vars, which win.
std::vector<std::string> zeek_environment(std::vector<std::string> inherited,
                                          const config::NodeSpec& node, const std::string& dir,
                                          const ZeekBinary& zeek, const ZeekInstall& install);

}  // namespace bc::sup
