#pragma once
// Runs a local program (the node program for `scripts` and `process`) to completion with
// a deadline, in a chosen working directory and environment, capturing stdout and stderr
// separately. Unlike run_command (which starts daemons that detach), the child gets its
// own process group so that a deadline or a Ctrl-C kills everything it started.

#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace bc::shell {

struct LocalProcessOptions {
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};
  std::string cwd;                                       // empty: the shell's own
  std::vector<std::pair<std::string, std::string>> env;  // set on top of the shell's
  std::vector<std::string> unset_env;                    // removed from the shell's
  // false: the program gets `env` only (Zeek's check runs with a node's environment).
  bool inherit_env = true;
  // Each stream keeps at most this much (the rest is read and dropped) so that a chatty
  // program cannot exhaust the shell's memory.
  std::size_t max_output = 16 << 20;
};

struct LocalProcessResult {
  int exit_code = -1;  // -1 when it died of a signal (then `signal` says which)
  int signal = 0;
  std::string out;
  std::string err;
};

// kNotFound / kIo when the program cannot be started (the message names argv[0]);
// kTimeout when it ran past the deadline and kFailed when Ctrl-C interrupted it (killed
// in both cases, with its process group).
Result<LocalProcessResult> run_local_process(const std::vector<std::string>& argv,
                                             const LocalProcessOptions& options);

}  // namespace bc::shell
