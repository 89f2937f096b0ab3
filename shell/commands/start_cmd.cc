// `start [<nodes>]`: manager, proxies, workers; a line per node as it comes up.

#include <map>
#include <ostream>

#include "messages/codec.h"
#include "shell/commands/handlers.h"
#include "shell/install_ops.h"
#include "shell/lifecycle_ops.h"
#include "shell/lifecycle_text.h"
#include "shell/local_daemons.h"
#include "shell/node_args.h"
#include "shell/unconfigured_nodes.h"

namespace bc::shell {

msg::Value summary_json(const char* verb, const OpSummary& s) {
  msg::Value v = msg::Value::empty_map();
  v.set("ok", s.succeeded())
      .set(verb, s.ok)
      .set("failed", s.failed)
      .set("skipped", s.skipped)
      .set("not_attempted", s.not_attempted)
      .set("nodes", s.nodes);
  return v;
}

int print_summary(ShellContext& ctx, const char* verb, const OpSummary& s) {
  if (ctx.json()) {
    ctx.out() << msg::to_json(summary_json(verb, s)) << '\n';
  } else {
    ctx.out() << s.ok << " node(s) " << verb;
    if (s.skipped > 0) ctx.out() << ", " << s.skipped << ' ' << s.skipped_as;
    if (s.failed > 0) ctx.out() << ", " << s.failed << " failed";
    if (s.not_attempted > 0) ctx.out() << ", " << s.not_attempted << " not attempted";
    ctx.out() << '\n';
  }
  return s.succeeded() ? 0 : 1;
}

int cmd_start(ShellContext& ctx, const std::vector<std::string>& args) {
  if (ctx.cluster() == nullptr) return 1;
  if (Status s = ensure_local_daemons(ctx); !s.is_ok()) return ctx.fail(s.message());
  // A name node.cfg lacks may be a node that runs unconfigured: say so, not "unknown".
  auto selection = select_with_unconfigured(ctx, args, false);
  if (!selection || !refuse_unconfigured(ctx, *selection, "start")) return 1;
  const auto* nodes = &selection->configured;
  auto edited = edited_bundle_async(*ctx.cluster());
  const OpSummary summary = start_nodes(ctx, *nodes, start_progress_text(ctx));
  // Nodes start from what is installed; say so when that is not what is being edited. The
  // versions are those the hosts' status gave before the first stage (no second question),
  // of the hosts whose nodes answered, so that an unreachable host costs one CommTimeout.
  std::map<std::string, std::string> installed;
  for (const msg::Value& e : *summary.nodes.as_array()) {
    const std::string host = e.get_string("host").value_or("");
    const auto known = summary.installed.find(host);
    if (e.get_bool("ok").value_or(false) && known != summary.installed.end()) {
      installed.insert(*known);
    }
  }
  warn_if_not_installed(ctx, installed, edited);
  return print_summary(ctx, "started", summary);
}

}  // namespace bc::shell
