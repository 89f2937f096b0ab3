// `netstats [<nodes>]`: packets received, dropped and seen on the link by each capturing
// node (default: the workers, or the standalone node), one line per node as the node's
// pcap statistics give them, stamped with the time of the answer.

#include <chrono>
#include <cstdio>
#include <ostream>

#include "messages/codec.h"
#include "shell/commands/handlers.h"
#include "shell/local_daemons.h"
#include "shell/node_args.h"
#include "shell/node_control_calls.h"

namespace bc::shell {
namespace {

std::string now_text() {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(us) / 1e6);
  return buf;
}

}  // namespace

int cmd_netstats(ShellContext& ctx, const std::vector<std::string>& args) {
  std::vector<std::string> names = args;
  if (names.empty()) names = {"workers", "standalone"};
  auto nodes = selected_nodes(ctx, names);
  if (!nodes) return 1;
  if (nodes->empty()) return ctx.fail("no worker or standalone node is configured");
  if (Status s = ensure_local_daemons(ctx); !s.is_ok()) return ctx.fail(s.message());
  AnswerPrinter printer;
  printer.text = [](std::ostream& out, const NodeAnswer& a) {
    out << a.node.name << ": ";
    if (!a.ok()) {
      out << failure_text(a.status) << '\n';
    } else if (!a.result.get_bool("capturing").value_or(false)) {
      out << "not capturing\n";
    } else {
      out << now_text() << " recvd=" << a.result.get_uint("received").value_or(0)
          << " dropped=" << a.result.get_uint("dropped").value_or(0)
          << " link=" << a.result.get_uint("link").value_or(0) << '\n';
    }
  };
  return print_answers(ctx, control_nodes(ctx, *nodes, "netstats"), printer);
}

}  // namespace bc::shell
