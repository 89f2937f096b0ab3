// `attachgdb [<nodes>]`: not implemented yet (being written).

#include "shell/commands/handlers.h"
#include "shell/shell_context.h"

namespace bc::shell {

int cmd_attachgdb(ShellContext& ctx, const std::vector<std::string>& /*args*/) {
  return ctx.fail("'attachgdb' is not available yet");
}

}  // namespace bc::shell
