// `check [<nodes>]`: not implemented yet (being written).

#include "shell/commands/handlers.h"
#include "shell/shell_context.h"

namespace bc::shell {

int cmd_check(ShellContext& ctx, const std::vector<std::string>& /*args*/) {
  return ctx.fail("'check' is not available yet");
}

}  // namespace bc::shell
