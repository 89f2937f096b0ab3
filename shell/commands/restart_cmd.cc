// `restart [--clean] [<nodes>]`: stop, then start the same nodes. --clean also cleans
// the nodes' state in between (check and install join once they exist).

#include <ostream>

#include "messages/codec.h"
#include "shell/commands/handlers.h"
#include "shell/lifecycle_ops.h"
#include "shell/lifecycle_text.h"
#include "shell/local_daemons.h"
#include "shell/node_args.h"
#include "shell/unconfigured_nodes.h"

namespace bc::shell {

int cmd_restart(ShellContext& ctx, const std::vector<std::string>& args) {
  std::vector<std::string> names = args;
  const bool clean = std::erase(names, std::string("--clean")) > 0;
  if (ctx.cluster() == nullptr) return 1;
  if (Status s = ensure_local_daemons(ctx); !s.is_ok()) return ctx.fail(s.message());
  // A node that runs unconfigured can be stopped, not started again: refused by name.
  auto selection = select_with_unconfigured(ctx, names, false);
  if (!selection || !refuse_unconfigured(ctx, *selection, "restart")) return 1;
  const auto* nodes = &selection->configured;
  // --json: one object {ok, stop, cleanup?, start}.
  msg::Value json = msg::Value::empty_map();
  const auto finish = [&](bool ok) {
    if (ctx.json()) ctx.out() << msg::to_json(json.set("ok", ok)) << '\n';
    return ok ? 0 : 1;
  };
  const OpSummary stopped = stop_nodes(ctx, *nodes, stop_progress_text(ctx));
  json.set("stop", summary_json("stopped", stopped));
  if (stopped.failed > 0) {
    if (!ctx.json()) print_summary(ctx, "stopped", stopped);
    ctx.fail("not starting again: some nodes did not stop");
    return finish(false);
  }
  if (clean) {
    msg::Value cleaned = msg::Value::empty_array();
    const int rc = cleanup_nodes(ctx, *nodes, true, cleaned);
    json.set("cleanup", std::move(cleaned));
    if (rc != 0) {
      ctx.fail("cleanup failed; not starting again");
      return finish(false);
    }
  }
  const OpSummary started = start_nodes(ctx, *nodes, start_progress_text(ctx));
  json.set("start", summary_json("started", started));
  if (ctx.json()) return finish(started.succeeded());
  return print_summary(ctx, "started", started);
}

}  // namespace bc::shell
