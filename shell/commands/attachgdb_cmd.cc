// `attachgdb [<nodes>]`: on this machine, with a terminal on stdin, an interactive gdb
// attached to each node's process in turn; otherwise (a node on another host, or no
// terminal) the supervisor of the node's host runs `gdb -batch` on it and its backtrace
// of all threads is printed per node (docs/PROTOCOL.md, `backtrace`).

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <map>
#include <ostream>
#include <set>

#include "messages/codec.h"
#include "shell/commands/handlers.h"
#include "shell/host_calls.h"
#include "shell/local_daemons.h"
#include "shell/node_args.h"
#include "shell/node_control_calls.h"

namespace bc::shell {
namespace {

// gdb -batch on a process with many threads takes seconds; the supervisor's job limit is
// 30 s, our deadline a little more.
constexpr std::chrono::milliseconds kBacktraceWait{35000};

// Numeric addresses of this machine's interfaces.
std::set<std::string> own_addresses() {
  std::set<std::string> out;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return out;
  for (ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr) continue;
    char text[INET6_ADDRSTRLEN] = {};
    const int family = i->ifa_addr->sa_family;
    if (family == AF_INET) {
      inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr, text, sizeof text);
    } else if (family == AF_INET6) {
      inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(i->ifa_addr)->sin6_addr, text,
                sizeof text);
    } else {
      continue;
    }
    out.insert(text);
  }
  freeifaddrs(list);
  return out;
}

// A node is local when its host is this machine: its node.cfg name is our host name, or
// its address is a loopback address or one of our interfaces'.
bool is_local(const config::NodeSpec& node, const std::set<std::string>& addresses) {
  char name[HOST_NAME_MAX + 1] = {};
  if (gethostname(name, sizeof name) == 0 && node.host == name) return true;
  const std::string& a = node.address.empty() ? node.host : node.address;
  return a == "localhost" || a.starts_with("127.") || a == "::1" || addresses.count(a) > 0;
}

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
  const std::set<std::string> addresses = terminal ? own_addresses() : std::set<std::string>{};
  for (const auto& node : *nodes)
    (terminal && is_local(node, addresses) ? local : remote).push_back(node);
  int rc = 0;
  msg::Value json = msg::Value::empty_array();
  for (const NodeAnswer& a :
       call_per_node(ctx, remote, "backtrace", msg::Value::empty_map(), kBacktraceWait)) {
    if (!a.ok()) rc = 1;
    if (ctx.json()) {
      json.push_back(answer_json(a));
      continue;
    }
    if (!a.ok()) {
      ctx.out() << a.node.name << ": " << failure_text(a.status) << '\n';
      continue;
    }
    ctx.out() << "[" << a.node.name << "] pid " << a.result.get_int("pid").value_or(0) << '\n'
              << a.result.get_string("output").value_or("") << '\n';
    if (a.result.get_bool("timed_out").value_or(false)) {
      ctx.out() << a.node.name << ": gdb timed out\n";
      rc = 1;
    }
  }
  if (ctx.json()) ctx.out() << msg::to_json(json) << '\n';
  if (!local.empty() && attach_locally(ctx, local) != 0) rc = 1;
  return rc;
}

}  // namespace bc::shell
