// `help [<command>]`: the command table rendered for people.

#include <iomanip>
#include <ostream>

#include "shell/command.h"
#include "shell/commands/handlers.h"
#include "shell/shell_context.h"

namespace bc::shell {

int cmd_help(ShellContext& ctx, const std::vector<std::string>& args) {
  if (args.size() > 1) return ctx.fail("usage: help [<command>]");
  if (args.size() == 1) {
    const CommandSpec* spec = find_command(args[0]);
    if (spec == nullptr) return ctx.fail("unknown command '" + args[0] + "'; try 'help'");
    ctx.out() << spec->synopsis << "\n\n" << spec->description << '\n';
    if (spec->handler == nullptr && spec->name != "exit" && spec->name != "quit") {
      ctx.out() << "\n(not available yet in this version)\n";
    }
    return 0;
  }
  ctx.out() << "Commands (help <command> describes one):\n\n";
  for (const CommandSpec& spec : command_table()) {
    ctx.out() << "  " << std::left << std::setw(36) << spec.synopsis << " - " << spec.summary
              << '\n';
  }
  ctx.out() << "\nGlobal options: --base <dir> (BroBase), --json (machine-readable output).\n";
  return 0;
}

}  // namespace bc::shell
