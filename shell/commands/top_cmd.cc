// `top [<nodes>]`: pid, memory and CPU of every node's process. Interactive on a
// terminal: refreshes every second until Ctrl-C or q. Otherwise prints once.

#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "messages/codec.h"
#include "shell/commands/handlers.h"
#include "shell/host_calls.h"
#include "shell/interrupt.h"
#include "shell/local_daemons.h"
#include "shell/node_args.h"
#include "shell/table.h"

namespace bc::shell {
namespace {

// One snapshot; false when some host failed.
bool print_top(ShellContext& ctx, const std::vector<config::NodeSpec>& nodes) {
  Table table({"Name", "Type", "Host", "Pid", "VSize", "Rss", "Cpu", "Cmd"});
  HostPrinter printer = node_entries_printer([&](std::ostream&, const Outcome& o,
                                                 const msg::Value& n) {
    const auto pid = n.get_int("pid").value_or(0);
    char cpu[16];
    std::snprintf(cpu, sizeof cpu, "%.1f%%", n.get_double("cpu").value_or(0));
    table.add({n.get_string("name").value_or("?"), n.get_string("type").value_or("?"), o.call.host,
               pid > 0 ? std::to_string(pid) : "-",
               pid > 0 ? human_bytes(n.get_double("vsize").value_or(0)) : "-",
               pid > 0 ? human_bytes(n.get_double("rss").value_or(0)) : "-", pid > 0 ? cpu : "-",
               n.get_string("cmd").value_or(n.get_string("state").value_or(""))});
  });
  printer.finish = [&](std::ostream& out) { out << table.render(); };
  const int rc = print_host_results(ctx, call_hosts(ctx, nodes, "top", &nodes_arg), printer);
  ctx.out() << std::flush;
  return rc == 0;
}

// Raw keyboard input for the refresh loop, restored on every way out.
class RawTerminal {
 public:
  RawTerminal() : ok_(tcgetattr(0, &saved_) == 0) {
    if (!ok_) return;
    termios raw = saved_;
    raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO);
    tcsetattr(0, TCSANOW, &raw);
  }
  ~RawTerminal() {
    if (ok_) tcsetattr(0, TCSANOW, &saved_);
  }

 private:
  termios saved_{};
  bool ok_;
};

}  // namespace

int cmd_top(ShellContext& ctx, const std::vector<std::string>& args) {
  auto nodes = selected_nodes(ctx, args);
  if (!nodes) return 1;
  if (Status s = ensure_local_daemons(ctx); !s.is_ok()) return ctx.fail(s.message());
  if (ctx.json() || isatty(0) == 0 || isatty(1) == 0) return print_top(ctx, *nodes) ? 0 : 1;
  install_interrupt_handler();
  clear_interrupt();
  RawTerminal raw;
  while (!interrupted()) {
    ctx.out() << "\033[H\033[2J";  // home, clear
    print_top(ctx, *nodes);
    ctx.out() << "\n(q or Ctrl-C to quit)" << std::flush;
    pollfd pfd{0, POLLIN, 0};
    if (poll(&pfd, 1, 1000) > 0) {
      char c = 0;
      if (read(0, &c, 1) <= 0 || c == 'q' || c == 'Q') break;
    }
  }
  clear_interrupt();
  ctx.out() << '\n';
  return 0;
}

}  // namespace bc::shell
