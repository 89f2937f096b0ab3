#pragma once
// The command line of brocluster-node (docs/NODE-PROTOCOL.md, "Command line"). Everything
// a supervisor passes comes through the environment (docs/NODE-PROGRAM.md); the flags are
// for people: offline runs, checks, and running a node outside the supervisor.

#include <string>

#include "node/process/node_identity.h"

namespace bc::node {

struct NodeCli {
  IdentityOverrides identity;
  std::string read_file;  // -r
  bool check = false;     // --check
  bool print_scripts = false;
  bool full_paths = false;
  bool exit_at_eof = false;
};

// Parses argv; on --help or a usage error prints and returns the exit code to use.
std::optional<int> parse_cli(int argc, char** argv, NodeCli& cli);

// --check and --print-scripts: the scripts of `identity`, loaded and validated only.
// Prints to stdout/stderr and returns the exit code (0 ok, 1 problems).
int run_check(const config::Cluster& cluster, const NodeIdentity& identity);
int run_print_scripts(const config::Cluster& cluster, const NodeIdentity& identity,
                      bool full_paths);

}  // namespace bc::node
