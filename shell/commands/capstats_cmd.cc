// `capstats [<nodes>] [<interval>]`: packets and bits per second on the interfaces of
// the workers (or the standalone node), measured by each host over <interval> seconds.

#include <cstdio>
#include <cstdlib>
#include <ostream>

#include "messages/codec.h"
#include "shell/commands/handlers.h"
#include "shell/host_calls.h"
#include "shell/local_daemons.h"
#include "shell/node_args.h"
#include "shell/table.h"

namespace bc::shell {
namespace {

bool is_number(const std::string& s) {
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  return !s.empty() && end != nullptr && *end == '\0';
}

}  // namespace

int cmd_capstats(ShellContext& ctx, const std::vector<std::string>& args) {
  double interval = 10;
  std::vector<std::string> names;
  for (const auto& a : args) {
    if (is_number(a)) {
      interval = std::strtod(a.c_str(), nullptr);
    } else {
      names.push_back(a);
    }
  }
  if (interval < 0.1 || interval > 600) return ctx.fail("the interval must be 0.1 to 600 seconds");
  if (names.empty()) names = {"workers", "standalone"};
  auto nodes = selected_nodes(ctx, names);
  if (!nodes) return 1;
  std::erase_if(*nodes, [](const auto& n) { return n.interface.empty(); });
  if (nodes->empty()) return ctx.fail("none of these nodes has an interface");
  if (Status s = ensure_local_daemons(ctx); !s.is_ok()) return ctx.fail(s.message());
  const auto make_args = [interval](const std::vector<config::NodeSpec>& host_nodes) {
    return nodes_arg(host_nodes).set("interval", interval);
  };
  const auto wait = std::chrono::milliseconds(static_cast<long>(interval * 1000));
  Table table({"Host", "Interface", "kpps", "mbps"});
  const auto interfaces = [](const msg::Value& result) -> const msg::Value::Map* {
    const msg::Value* ifaces = result.find("interfaces");
    return ifaces != nullptr ? ifaces->as_map() : nullptr;
  };
  HostPrinter printer;
  printer.succeeded = [&](const msg::Value& result) { return interfaces(result) != nullptr; };
  printer.text = [&](std::ostream&, const Outcome& o, const msg::Value& result) {
    if (interfaces(result) == nullptr) return;
    for (const auto& [name, v] : *interfaces(result)) {
      char kpps[32], mbps[32];
      std::snprintf(kpps, sizeof kpps, "%.1f", v.get_double("kpps").value_or(0));
      std::snprintf(mbps, sizeof mbps, "%.1f", v.get_double("mbps").value_or(0));
      table.add({o.call.host, name, kpps, mbps});
    }
  };
  printer.finish = [&](std::ostream& out) { out << table.render(); };
  return print_host_results(ctx, call_hosts(ctx, *nodes, "capstats", make_args, wait), printer);
}

}  // namespace bc::shell
