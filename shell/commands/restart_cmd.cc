// `restart [--clean] [<nodes>]`: stop, then start the same nodes. --clean also cleans
// the nodes' state in between (check and install join once they exist).

#include <ostream>

#include "shell/commands/handlers.h"
#include "shell/lifecycle_ops.h"
#include "shell/local_daemons.h"
#include "shell/node_args.h"

namespace bc::shell {

int cmd_restart(ShellContext& ctx, const std::vector<std::string>& args) {
  std::vector<std::string> names = args;
  const bool clean = std::erase(names, std::string("--clean")) > 0;
  auto nodes = selected_nodes(ctx, names);
  if (!nodes) return 1;
  if (Status s = ensure_local_daemons(ctx); !s.is_ok()) return ctx.fail(s.message());
  const OpSummary stopped = stop_nodes(ctx, *nodes);
  if (stopped.failed > 0) {
    print_summary(ctx, "stopped", stopped);
    return ctx.fail("not starting again: some nodes did not stop");
  }
  if (clean) {
    std::vector<std::string> cleanup_args = {"--all"};
    for (const auto& n : *nodes)
      cleanup_args.push_back(n.name);
    if (cmd_cleanup(ctx, cleanup_args) != 0) return ctx.fail("cleanup failed; not starting again");
  }
  return print_summary(ctx, "started", start_nodes(ctx, *nodes));
}

}  // namespace bc::shell
