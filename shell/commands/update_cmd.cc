// `update [<nodes>]`: every running node re-reads its scripts and analysis.dat and applies
// what can change live (docs/NODE-PROTOCOL.md §3). Per node: what changed, what was
// refused and why (it needs a restart), or that nothing changed. Nodes that are not
// running are skipped, which is not a failure; a node that could not update is, and so is
// a change refused (exit 1: what was installed is not what runs until a restart).

#include <ostream>

#include "messages/codec.h"
#include "shell/commands/handlers.h"
#include "shell/local_daemons.h"
#include "shell/node_args.h"
#include "shell/node_control_calls.h"

namespace bc::shell {
namespace {

// The lines of one node's update result; "nothing changed" when it has none.
std::vector<std::string> describe_update(const msg::Value& result) {
  std::vector<std::string> lines;
  if (const msg::Value* changed = result.find("changed"); changed && changed->as_array()) {
    for (const msg::Value& id : *changed->as_array())
      lines.push_back("updated " + (id.as_string() ? *id.as_string() : std::string("?")));
  }
  if (const msg::Value* analyses = result.find("analyses"); analyses && analyses->as_map()) {
    for (const auto& [type, on] : *analyses->as_map())
      lines.push_back("analysis " + type +
                      (on.as_bool().value_or(false) ? " enabled" : " disabled"));
  }
  if (const msg::Value* refused = result.find("refused"); refused && refused->as_array()) {
    for (const msg::Value& r : *refused->as_array()) {
      lines.push_back(r.get_string("id").value_or("?") +
                      " needs a restart: " + r.get_string("reason").value_or("?"));
    }
  }
  if (lines.empty()) lines.push_back("nothing changed");
  return lines;
}

}  // namespace

int cmd_update(ShellContext& ctx, const std::vector<std::string>& args) {
  auto nodes = selected_nodes(ctx, args);
  if (!nodes) return 1;
  if (Status s = ensure_local_daemons(ctx); !s.is_ok()) return ctx.fail(s.message());
  // The supervisor refuses a node without a process before it asks anything.
  const auto skipped = [](const NodeAnswer& a) { return a.status.code() == ErrorCode::kConflict; };
  AnswerPrinter printer;
  printer.tolerated = skipped;
  printer.failed = [](const NodeAnswer& a) {
    const msg::Value* refused = a.result.find("refused");
    return refused != nullptr && refused->as_array() != nullptr && !refused->as_array()->empty();
  };
  printer.annotate = [&](const NodeAnswer& a, msg::Value& v) { v.set("skipped", skipped(a)); };
  printer.text = [&](std::ostream& out, const NodeAnswer& a) {
    if (skipped(a)) {
      out << a.node.name << ": skipped (not running)\n";
    } else if (!a.ok()) {
      out << a.node.name << ": " << failure_text(a.status) << '\n';
    } else {
      for (const std::string& line : describe_update(a.result))
        out << a.node.name << ": " << line << '\n';
    }
  };
  return print_answers(ctx, control_nodes(ctx, *nodes, "update"), printer);
}

}  // namespace bc::shell
