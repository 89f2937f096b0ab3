#pragma once
// What `check` (and so `install`) finds about the programs the cluster will run: each
// node's own `program=` and the SendMailCommand the collector mails with. A node program
// missing on this machine is an error for a node that runs here (its start would fail) and
// a warning for a node elsewhere (it must exist there); a missing sendmail is a warning
// (the cluster runs, its mails do not go out).

#include <string>
#include <vector>

#include "config/cluster.h"

namespace bc::shell {

struct ProgramFinding {
  bool error = false;
  std::string text;  // names the file, line and node or option
};

std::vector<ProgramFinding> program_findings(const config::Cluster& cluster,
                                             const std::vector<config::NodeSpec>& nodes);

}  // namespace bc::shell
