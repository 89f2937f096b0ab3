// `cleanup [--all] [<nodes>]`: removes the spool dirs of nodes that are not running;
// crashed nodes become stopped; --all also removes their crash records (TmpDir).

#include <ostream>

#include "messages/codec.h"
#include "shell/commands/handlers.h"
#include "shell/host_calls.h"
#include "shell/local_daemons.h"
#include "shell/node_args.h"

namespace bc::shell {

int cleanup_nodes(ShellContext& ctx, const std::vector<config::NodeSpec>& nodes, bool all,
                  msg::Value& results) {
  int rc = 0;
  const auto make_args = [all](const std::vector<config::NodeSpec>& host_nodes) {
    msg::Value a = nodes_arg(host_nodes);
    a.set("all", all);
    return a;
  };
  for (const Outcome& o : call_hosts(ctx, nodes, "cleanup", make_args)) {
    const msg::Value* result = result_or_report(ctx, o);
    const msg::Value* per_node = result != nullptr ? result->find("nodes") : nullptr;
    if (per_node == nullptr || per_node->as_map() == nullptr) {
      rc = 1;
      continue;
    }
    for (const auto& [name, entry] : *per_node->as_map()) {
      const bool ok = entry.get_bool("ok").value_or(false);
      if (!ok) rc = 1;
      results.push_back(msg::Value(entry).set("name", name).set("host", o.call.host));
      if (ctx.json()) continue;
      if (ok) {
        ctx.out() << "cleaned up " << name << (all ? " (with its crash records)" : "") << '\n';
      } else {
        ctx.out() << "not cleaned up " << name << ": " << entry.get_string("error").value_or("?")
                  << '\n';
      }
    }
  }
  return rc;
}

int cmd_cleanup(ShellContext& ctx, const std::vector<std::string>& args) {
  std::vector<std::string> names = args;
  const bool all = std::erase(names, std::string("--all")) > 0;
  auto nodes = selected_nodes(ctx, names);
  if (!nodes) return 1;
  if (Status s = ensure_local_daemons(ctx); !s.is_ok()) return ctx.fail(s.message());
  msg::Value results = msg::Value::empty_array();
  const int rc = cleanup_nodes(ctx, *nodes, all, results);
  if (ctx.json()) ctx.out() << msg::to_json(results) << '\n';
  return rc;
}

}  // namespace bc::shell
