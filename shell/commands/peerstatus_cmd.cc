// `peerstatus [<nodes>]`: each node's links to its cluster peers (docs/NODE-PROTOCOL.md
// §3), a block per node: where it listens, then one line per peer it connects to.

#include <ostream>

#include "messages/codec.h"
#include "shell/commands/handlers.h"
#include "shell/local_daemons.h"
#include "shell/node_args.h"
#include "shell/node_control_calls.h"

namespace bc::shell {
namespace {

void print_peers(std::ostream& out, const msg::Value& result) {
  if (auto listening = result.get_string("listening"); listening.is_ok()) {
    out << "  listening on " << *listening
        << " received=" << result.get_uint("received_messages").value_or(0)
        << " malformed=" << result.get_uint("malformed_messages").value_or(0);
    if (auto senders = result.get_uint("senders"); senders.is_ok()) {
      out << " senders=" << *senders
          << " duplicate_batches=" << result.get_uint("duplicate_batches").value_or(0)
          << " gap_batches=" << result.get_uint("gap_batches").value_or(0);
    }
    out << '\n';
  }
  const msg::Value* peers = result.find("peers");
  if (peers == nullptr || peers->as_array() == nullptr || peers->as_array()->empty()) {
    out << "  no outgoing peers\n";
    return;
  }
  for (const msg::Value& p : *peers->as_array()) {
    out << "  " << p.get_string("node").value_or("?") << " (" << p.get_string("role").value_or("?")
        << ") " << p.get_string("endpoint").value_or("?") << ' '
        << p.get_string("state").value_or("?") << " connects=" << p.get_uint("connects").value_or(0)
        << " disconnects=" << p.get_uint("disconnects").value_or(0)
        << " sent=" << p.get_uint("sent_records").value_or(0)
        << " dropped=" << p.get_uint("dropped_records").value_or(0);
    // A log sink's link acknowledges what it wrote (docs/NODE-PROTOCOL.md, "Delivery"): what
    // waits for that, in memory or spilled to disk, and what had to be sent again.
    if (auto acked = p.get_uint("acked_records"); acked.is_ok()) {
      out << " acked=" << *acked << " buffered=" << p.get_uint("buffered_records").value_or(0)
          << " spilled_bytes=" << p.get_uint("spilled_bytes").value_or(0)
          << " resent_batches=" << p.get_uint("resent_batches").value_or(0);
    }
    out << '\n';
  }
}

}  // namespace

int cmd_peerstatus(ShellContext& ctx, const std::vector<std::string>& args) {
  auto nodes = selected_nodes(ctx, args);
  if (!nodes) return 1;
  if (Status s = ensure_local_daemons(ctx); !s.is_ok()) return ctx.fail(s.message());
  AnswerPrinter printer;
  printer.text = [](std::ostream& out, const NodeAnswer& a) {
    if (!a.ok()) {
      out << a.node.name << ": " << failure_text(a.status) << '\n';
      return;
    }
    out << a.node.name << ":\n";
    print_peers(out, a.result);
  };
  return print_answers(ctx, control_nodes(ctx, *nodes, "peerstatus"), printer);
}

}  // namespace bc::shell
