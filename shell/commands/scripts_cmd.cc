// `scripts [-p|-c] [<nodes>]`: not implemented yet (being written).

#include "shell/commands/handlers.h"
#include "shell/shell_context.h"

namespace bc::shell {

int cmd_scripts(ShellContext& ctx, const std::vector<std::string>& /*args*/) {
  return ctx.fail("'scripts' is not available yet");
}

}  // namespace bc::shell
