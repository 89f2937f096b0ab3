// `df [<nodes>]`: free space of the cluster's paths on every host of the nodes.

#include <cstdio>
#include <ostream>

#include "messages/codec.h"
#include "shell/commands/handlers.h"
#include "shell/host_calls.h"
#include "shell/local_daemons.h"
#include "shell/node_args.h"
#include "shell/table.h"

namespace bc::shell {

int cmd_df(ShellContext& ctx, const std::vector<std::string>& args) {
  auto nodes = selected_nodes(ctx, args);
  if (!nodes) return 1;
  if (Status s = ensure_local_daemons(ctx); !s.is_ok()) return ctx.fail(s.message());
  Table table({"Host", "Path", "Size", "Avail", "Avail%"});
  HostPrinter printer;
  printer.text = [&](std::ostream&, const Outcome& o, const msg::Value& result) {
    const msg::Value* disks = result.find("disks");
    if (disks == nullptr || disks->as_array() == nullptr) return;
    for (const msg::Value& d : *disks->as_array()) {
      char pct[16];
      std::snprintf(pct, sizeof pct, "%.1f%%", d.get_double("avail_pct").value_or(0));
      const bool bad = d.find("error") != nullptr;
      table.add({o.call.host, d.get_string("path").value_or("?"),
                 bad ? "-" : human_bytes(d.get_double("total").value_or(0)),
                 bad ? "-" : human_bytes(d.get_double("avail").value_or(0)),
                 bad ? d.get_string("error").value_or("?") : pct});
    }
  };
  printer.finish = [&](std::ostream& out) { out << table.render(); };
  return print_host_results(
      ctx, call_hosts(ctx, *nodes, "df", [](const auto&) { return msg::Value::empty_map(); }),
      printer);
}

}  // namespace bc::shell
