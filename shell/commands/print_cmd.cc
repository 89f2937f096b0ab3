// `print <id> [<nodes>]`: the value of a script identifier as each running node has it in
// force, one line per node (`worker-1   Scan::scan_interval = 5.0 mins`).

#include <algorithm>
#include <ostream>

#include "messages/codec.h"
#include "shell/commands/handlers.h"
#include "shell/local_daemons.h"
#include "shell/node_args.h"
#include "shell/node_control_calls.h"

namespace bc::shell {

int cmd_print(ShellContext& ctx, const std::vector<std::string>& args) {
  if (args.empty()) return ctx.fail("usage: print <id> [<nodes>]");
  const std::string id = args.front();
  auto nodes = selected_nodes(ctx, std::vector<std::string>(args.begin() + 1, args.end()));
  if (!nodes) return 1;
  if (Status s = ensure_local_daemons(ctx); !s.is_ok()) return ctx.fail(s.message());
  msg::Value request = msg::Value::empty_map();
  request.set("id", id);
  std::size_t width = 0;
  for (const auto& n : *nodes)
    width = std::max(width, n.name.size());
  AnswerPrinter printer;
  printer.text = [&](std::ostream& out, const NodeAnswer& a) {
    out << a.node.name << std::string(width - a.node.name.size() + 3, ' ');
    if (a.ok()) {
      out << a.result.get_string("id").value_or(id) << " = "
          << a.result.get_string("value").value_or("") << '\n';
    } else {
      out << failure_text(a.status) << '\n';
    }
  };
  return print_answers(ctx, control_nodes(ctx, *nodes, "print", request), printer);
}

}  // namespace bc::shell
