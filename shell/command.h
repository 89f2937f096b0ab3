#pragma once
// One shell command = one CommandSpec: its name, synopsis, help and handler. The command
// table drives dispatch, `help`, and tab completion alike, in one-shot and interactive
// mode.

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bc::shell {

class ShellContext;

// Returns the process exit code for one-shot mode: 0 = everything succeeded.
using CommandHandler = int (*)(ShellContext& ctx, const std::vector<std::string>& args);

struct CommandSpec {
  std::string_view name;
  std::string_view synopsis;     // "status [<nodes>]"
  std::string_view summary;      // one line for `help`
  std::string_view description;  // full text for `help <command>`
  CommandHandler handler;        // nullptr: listed but not available in this version
  bool completes_nodes;          // tab completion offers node names after the command
};

std::span<const CommandSpec> command_table();
// Exact, case-insensitive lookup; nullptr when unknown.
const CommandSpec* find_command(std::string_view name);
// The commands that change the cluster, which run holding the LockFile (lock_file.h).
bool takes_cluster_lock(std::string_view name);

}  // namespace bc::shell
