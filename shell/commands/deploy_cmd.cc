// `deploy`: check, install and restart, stopping at the first failure (install runs check
// first and refuses on a failure, so a broken script never reaches a running node).

#include <ostream>

#include "shell/commands/handlers.h"
#include "shell/shell_context.h"

namespace bc::shell {

int cmd_deploy(ShellContext& ctx, const std::vector<std::string>& args) {
  if (!args.empty()) return ctx.fail("deploy takes no arguments; it works on the whole cluster");
  if (int rc = cmd_install(ctx, {}); rc != 0) {
    ctx.fail("deploy stopped: install failed; nothing was restarted");
    return rc;
  }
  return cmd_restart(ctx, {});
}

}  // namespace bc::shell
