// `attachgdb [<nodes>]`: on this machine, with a terminal on stdin, an interactive gdb
// attached to each node's process in turn; otherwise (a node on another host, or no
// terminal) the supervisor of the node's host runs `gdb -batch` on it and its backtrace
// of all threads is printed per node (docs/PROTOCOL.md, `backtrace`).

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <ostream>

#include "messages/codec.h"
#include "shell/commands/handlers.h"
#include "shell/host_calls.h"
#include "shell/local_daemons.h"
#include "shell/local_host.h"
#include "shell/node_args.h"
#include "shell/node_control_calls.h"

namespace bc::shell {
namespace {

// gdb -batch on a process with many threads takes seconds; the supervisor's job limit is
// 30 s, our deadline a little more.
constexpr std::chrono::milliseconds kBacktraceWait{35000};

// gdb owns the terminal until it exits; Ctrl-C is for it, not for the shell.
int run_gdb(pid_t target) {
  const pid_t child = fork();
  if (child < 0) return -1;
  if (child == 0) {
    signal(SIGINT, SIG_DFL);
    signal(SIGQUIT, SIG_DFL);
    const std::string pid = std::to_string(target);
    execlp("gdb", "gdb", "-q", "-p", pid.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  struct sigaction ignore {
  }, old_int{}, old_quit{};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGINT, &ignore, &old_int);
  sigaction(SIGQUIT, &ignore, &old_quit);
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGQUIT, &old_quit, nullptr);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Interactive gdb on each local node in turn; the nodes' pids come from their supervisors.
int attach_locally(ShellContext& ctx, const std::vector<config::NodeSpec>& nodes) {
  std::map<std::string, std::int64_t> pids;
  bool reached = true;
  for (const Outcome& o : call_hosts(ctx, nodes, "status", &nodes_arg)) {
    const msg::Value* result = result_or_report(ctx, o);
    const msg::Value* list = result != nullptr ? result->find("nodes") : nullptr;
    if (list == nullptr || list->as_array() == nullptr) {
      reached = false;
      continue;
    }
    for (const msg::Value& n : *list->as_array()) {
      if (n.get_string("state").value_or("") == "running")
        pids[n.get_string("name").value_or("")] = n.get_int("pid").value_or(0);
    }
  }
  int rc = reached ? 0 : 1;
  for (const auto& node : nodes) {
    auto it = pids.find(node.name);
    if (it == pids.end() || it->second <= 0) {
      ctx.out() << node.name << ": not running\n";
      rc = 1;
      continue;
    }
    ctx.out() << node.name << ": attaching gdb to pid " << it->second << '\n' << std::flush;
    const int exit = run_gdb(static_cast<pid_t>(it->second));
    if (exit == 127) return ctx.fail("gdb could not be run (is it installed?)");
    if (exit != 0) rc = 1;
  }
  return rc;
}

}  // namespace

int cmd_attachgdb(ShellContext& ctx, const std::vector<std::string>& args) {
  auto nodes = selected_nodes(ctx, args);
  if (!nodes) return 1;
  if (Status s = ensure_local_daemons(ctx); !s.is_ok()) return ctx.fail(s.message());
  std::vector<config::NodeSpec> local, remote;
  const bool terminal = isatty(STDIN_FILENO) == 1 && !ctx.json();
  for (const auto& node : *nodes)
    (terminal && is_local_node(node) ? local : remote).push_back(node);
  AnswerPrinter printer;
  printer.text = [](std::ostream& out, const NodeAnswer& a) {
    if (!a.ok()) {
      out << a.node.name << ": " << failure_text(a.status) << '\n';
      return;
    }
    out << "[" << a.node.name << "] pid " << a.result.get_int("pid").value_or(0) << '\n'
        << a.result.get_string("output").value_or("") << '\n';
    if (a.result.get_bool("timed_out").value_or(false)) out << a.node.name << ": gdb timed out\n";
  };
  printer.failed = [](const NodeAnswer& a) {
    return a.result.get_bool("timed_out").value_or(false);
  };
  int rc = print_answers(
      ctx, call_per_node(ctx, remote, "backtrace", msg::Value::empty_map(), kBacktraceWait),
      printer);
  if (!local.empty() && attach_locally(ctx, local) != 0) rc = 1;
  return rc;
}

}  // namespace bc::shell
