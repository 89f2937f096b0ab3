#pragma once
// The node's policy as it runs: the loaded scripts (with values applied by `update`),
// analysis.dat and the EngineSettings built from both. load_policy() is the start (and
// `--check`); update_policy() is the control protocol's `update`: it re-reads the
// installed scripts and analysis.dat and applies what can change live — values of
// `&redef` ids and analysis toggles — refusing the rest with a reason.
// Owned by the node's event loop.

#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "config/analysis.h"
#include "config/networks.h"
#include "node/engine/settings.h"
#include "node/script/diagnostic.h"
#include "node/script/loader.h"

namespace bc::node {

struct PolicySources {
  std::vector<std::string> names;  // CLUSTER_SCRIPTS, in load order
  script::LoadOptions options;
  std::string analysis_path;  // AnalysisCfg; empty = every type enabled
  std::vector<config::Network> networks;
};

struct Policy {
  script::Program program;
  std::vector<config::AnalysisType> analysis;
  EngineSettings settings;
};

// Loads scripts and analysis.dat and builds the settings. Script problems are appended
// to `errors` (file:line:column); other problems (analysis.dat, unsupported analysis
// types, knobs of the wrong type) come back in the Status, one per line.
Result<Policy> load_policy(const PolicySources& sources, std::vector<script::Diagnostic>& errors);

struct UpdateResult {
  std::vector<std::string> changed;                          // script ids whose value changed
  std::vector<std::pair<std::string, bool>> analyses;        // toggles that changed: type, enabled
  std::vector<std::pair<std::string, std::string>> refused;  // id (or "analysis:<type>"), reason
};

// On success `running` holds the new values and settings; on error (a script that no
// longer loads, a broken analysis.dat) nothing changed and the message says why.
Result<UpdateResult> update_policy(Policy& running, const PolicySources& sources);

}  // namespace bc::node
