// `stop [<nodes>]`: workers, proxies, manager; says which nodes had to be killed. Nodes
// that run but are no longer configured (shell/unconfigured_nodes.h) are stopped too, in
// their type's stage, when the arguments select them.

#include "shell/commands/handlers.h"
#include "shell/lifecycle_ops.h"
#include "shell/lifecycle_text.h"
#include "shell/local_daemons.h"
#include "shell/unconfigured_nodes.h"

namespace bc::shell {

int cmd_stop(ShellContext& ctx, const std::vector<std::string>& args) {
  if (ctx.cluster() == nullptr) return 1;
  if (Status s = ensure_local_daemons(ctx); !s.is_ok()) return ctx.fail(s.message());
  auto selection = select_with_unconfigured(ctx, args, true);
  if (!selection) return 1;
  return print_summary(
      ctx, "stopped",
      stop_nodes(ctx, selection->all(), stop_progress_text(ctx), selection->host_status));
}

}  // namespace bc::shell
