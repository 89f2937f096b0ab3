#pragma once
// The shell: dispatches one command line through the command table, or runs the
// interactive loop. Exceptions stop here (one try/catch per command), so a bug in a
// handler becomes an error line and exit code, never a dead interactive session.

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "shell/lock_file.h"
#include "shell/shell_context.h"

namespace bc::shell {

class Shell {
 public:
  explicit Shell(ShellContext& ctx) : ctx_(ctx) {}

  // Runs one command given as words; returns its exit code.
  int dispatch(const std::vector<std::string>& words);
  // Interactive loop until exit/quit/EOF; returns the exit code of the last command.
  int run_interactive();

  // Words offered by tab completion for the word at `index` after `preceding` words.
  std::vector<std::string> completions(const std::vector<std::string>& preceding,
                                       std::string_view prefix);

 private:
  // dispatch() without the --json envelope.
  int run_command_words(const std::vector<std::string>& words);
  // The LockFile for a command that changes the cluster, held until the command ends;
  // empty when there is no configuration to name it.
  Result<std::optional<LockFile>> take_cluster_lock(const std::vector<std::string>& words);

  ShellContext& ctx_;
};

}  // namespace bc::shell
