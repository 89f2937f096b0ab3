#pragma once
// Zeek's own check of the nodes of profile zeek, as zeekctl's `check` and `scripts` run it
// (ZeekControl/control.py _check_config, bin/check-config): one run of the node's Zeek per
// node type (standalone, logger, manager, proxy, worker) with the argv and environment a node
// of that type gets (supervisor/zeek_launch.h), not live, `brocluster/check` loaded last,
// ZEEKCTL_CHECK_CONFIG=1 and ZEEKCTL_DISABLE_LISTEN=1, in a fresh directory under TmpDir,
// each run with a deadline. docs/ZEEK.md, "check and scripts".
//
// `check` runs `zeek -a` (parse only) on the snapshot about to be installed: the edited
// configuration staged as install would stage it (the bundle, Zeek files included) under
// TmpDir. `scripts` runs Zeek up to zeek_init (brocluster/check ends it there), since `-a`
// writes no loaded_scripts.log, and lists that file: of the installed snapshot, or with
// `-c` of the staged one.

#include <chrono>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/cluster.h"

namespace bc::shell {

inline constexpr std::chrono::seconds kZeekCheckTimeout{60};

enum class ZeekRun {
  kCheck,    // zeek -a: Zeek's errors only
  kScripts,  // zeek to zeek_init: loaded_scripts.log
};

struct ZeekTypeResult {
  std::string type;  // "manager", "worker", ... (config::node_type_name)
  std::string node;  // the node of that type whose argv and environment the run had
  bool ok = false;
  // Zeek's stderr then stdout, a line each (paths into a staged snapshot shown as the edited
  // files they came from); or why Zeek could not be run.
  std::vector<std::string> output;
  std::vector<std::string> scripts;  // kScripts: loaded_scripts.log without its '#' lines
};

// The nodes of profile zeek among `nodes`, in their order.
std::vector<config::NodeSpec> zeek_profile_nodes(const config::Cluster& cluster,
                                                 const std::vector<config::NodeSpec>& nodes);

// Runs Zeek once per node type of `nodes` (nodes of profile zeek; the first of each type
// stands for its type, and a node with its own program= or aux_scripts for itself). `snapshot` is
// an installed snapshot to run on; empty: the edited configuration of `cluster`, staged. `base_dir`
// is the BroBase. An error when no run could be made at all (the snapshot cannot be staged: a port
// or layout problem, Zeek's version unknown); a Zeek binary that is missing or not executable, a
// deadline passed or Zeek's own errors are the failed results of their types.
Result<std::vector<ZeekTypeResult>> run_zeek_checks(const config::Cluster& cluster,
                                                    const std::string& base_dir,
                                                    const std::vector<config::NodeSpec>& nodes,
                                                    ZeekRun run, const std::string& snapshot);

}  // namespace bc::shell
