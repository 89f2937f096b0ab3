#pragma once
// Runs a local program to completion with a deadline, capturing its output (stdout and
// stderr together). Used to start the local daemons, which detach and return.

#include <chrono>
#include <string>
#include <vector>

#include "common/status.h"

namespace bc::shell {

struct CommandResult {
  int exit_code = -1;  // -1: killed by a signal or at the deadline
  std::string output;
};

// kTimeout (after killing it) when the program has not exited by the deadline.
Result<CommandResult> run_command(const std::vector<std::string>& argv,
                                  std::chrono::milliseconds timeout);

}  // namespace bc::shell
