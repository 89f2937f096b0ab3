#pragma once
// The shell: dispatches one command line through the command table, or runs the
// interactive loop. Exceptions stop here (one try/catch per command), so a bug in a
// handler becomes an error line and exit code, never a dead interactive session.

#include <string>
#include <vector>

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

  ShellContext& ctx_;
};

}  // namespace bc::shell
