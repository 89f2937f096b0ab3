#pragma once
// The engine's settings as this node runs them: the `&redef` knobs of the loaded policy
// scripts (names in docs/SCRIPTS.md), the analysis toggles of analysis.dat, and
// Site::local_nets from networks.cfg when the scripts leave it empty.
//
// Which analyses run: a type runs when a loaded script put it into Analysis::loaded AND
// analysis.dat has it enabled (a type analysis.dat does not list counts as enabled). A
// loaded and enabled type the engine cannot do is an error naming the type and the
// script that loaded it — never silently ignored. A type switched off in analysis.dat is
// fine whatever the engine supports.

#include <string>
#include <vector>

#include "common/status.h"
#include "config/analysis.h"
#include "config/networks.h"
#include "node/engine/settings.h"
#include "node/script/loader.h"

namespace bc::node {

struct SettingsInput {
  const script::Program* program = nullptr;
  std::vector<config::AnalysisType> analysis;  // analysis.dat
  std::vector<config::Network> networks;       // networks.cfg
};

// Errors: a script value of an unexpected type ("Scan::scan_interval is set[port], expected
// interval"), or analysis types the engine cannot do (one message lists them all).
Result<EngineSettings> build_settings(const SettingsInput& input);

// The problems `check` reports about analysis types, one message each:
// "<script>: analysis type 'ftp' is not supported by brocluster-node (it does: dns, ...);
// remove the @load or switch it off in analysis.dat".
std::vector<std::string> unsupported_analyses(const SettingsInput& input);

// Fills Site::local_nets of `globals` from networks.cfg when the scripts left it empty
// (and declared it), so that `print Site::local_nets` shows what the engine uses.
void fill_local_nets(script::Globals& globals, const std::vector<config::Network>& networks);

}  // namespace bc::node
