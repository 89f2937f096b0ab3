// `stop [<nodes>]`: workers, proxies, manager; says which nodes had to be killed.

#include "shell/commands/handlers.h"
#include "shell/lifecycle_ops.h"
#include "shell/local_daemons.h"
#include "shell/node_args.h"

namespace bc::shell {

int cmd_stop(ShellContext& ctx, const std::vector<std::string>& args) {
  auto nodes = selected_nodes(ctx, args);
  if (!nodes) return 1;
  if (Status s = ensure_local_daemons(ctx); !s.is_ok()) return ctx.fail(s.message());
  return print_summary(ctx, "stopped", stop_nodes(ctx, *nodes));
}

}  // namespace bc::shell
