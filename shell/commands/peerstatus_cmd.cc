// `peerstatus [<nodes>]`: not implemented yet (being written).

#include "shell/commands/handlers.h"
#include "shell/shell_context.h"

namespace bc::shell {

int cmd_peerstatus(ShellContext& ctx, const std::vector<std::string>& /*args*/) {
  return ctx.fail("'peerstatus' is not available yet");
}

}  // namespace bc::shell
