#include "tests/integration/node/node_harness.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/strings.h"
#include "tests/support/bus_client.h"
#include "tests/support/bus_keys.h"
#include "tests/support/processes.h"

namespace bc::test {
namespace {

[[noreturn]] void exec_node(const NodeSite& site, const NodeStart& start, const std::string& spool,
                            int notify) {
  setsid();
  if (chdir(spool.c_str()) != 0) _exit(126);
  const int out = open((spool + "/stdout.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0640);
  const int err = open((spool + "/stderr.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0640);
  const int in = open("/dev/null", O_RDONLY);
  dup2(in, 0);
  dup2(out, 1);
  dup2(err, 2);
  if (notify == 3) {
    fcntl(3, F_SETFD, 0);
  } else {
    dup2(notify, 3);
  }
  for (int fd = 4; fd < 1024; ++fd)
    close(fd);
  std::vector<std::string> env = {
      "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
      "CLUSTER_NODE=" + start.node,
      "CLUSTER_NODE_TYPE=" + start.type,
      "CLUSTER_BASE=" + site.base(),
      "CLUSTER_SPOOL=" + spool,
      "CLUSTER_CONTROL=ipc://" + spool + "/.control",
      "CLUSTER_NOTIFY_FD=3",
  };
  for (const auto& [k, v] : start.env)
    env.push_back(k + "=" + v);
  std::vector<std::string> argv = start.wrapper;
  argv.push_back(node_binary());
  argv.insert(argv.end(), start.args.begin(), start.args.end());
  std::vector<char*> args, envp;
  for (auto& a : argv)
    args.push_back(a.data());
  args.push_back(nullptr);
  for (auto& e : env)
    envp.push_back(e.data());
  envp.push_back(nullptr);
  execve(args[0], args.data(), envp.data());
  _exit(127);
}

}  // namespace

int node_port_base() {
  static std::atomic<int> calls{0};
  // 20000..31999: below the ephemeral range, above the project's default ports.
  return 20000 + static_cast<int>((getpid() * 7 + calls++ * 97) % 600) * 20;
}

NodeSite::NodeSite(const std::string& node_cfg, const std::vector<std::string>& extra_options)
    : port_base_(node_port_base()) {
  std::string cfg = "PolicyDir = " + source_path("policy") + "\n" + "SitePolicyPath = " + base() +
                    "/site:" + source_path("policy/local") + "\n" +
                    "NodePortBase = " + std::to_string(port_base_) + "\n";
  for (const auto& line : extra_options)
    cfg += line + "\n";
  dir_.write("etc/cluster.cfg", cfg);
  dir_.write("etc/node.cfg", node_cfg);
  dir_.write("etc/networks.cfg", "10.0.0.0/8 test clients\n");
  dir_.write("etc/analysis.dat", file_text(source_path("etc/analysis.dat")));
  dir_.write("site/.keep", "");
  // Cluster links run over CURVE as the bus does: the hosts' keys, as keygen makes them.
  std::vector<std::string> hosts;
  std::istringstream lines(node_cfg);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("host=", 0) == 0) hosts.push_back(line.substr(5));
  }
  make_bus_keys({base()}, hosts);
}

void NodeSite::write_site(const std::string& name, const std::string& text) const {
  dir_.write("site/" + name, text);
}

NodeRun::NodeRun(const NodeSite& site, NodeStart start) : spool_(site.spool(start.node)) {
  site.write("spool/" + start.node + "/.keep", "");
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return;
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    exec_node(site, start, spool_, fds[1]);
  }
  close(fds[1]);
  pipe_ = fds[0];
  pid_ = pid;
}

NodeRun::~NodeRun() {
  if (pid_ > 0) {
    kill(-pid_, SIGKILL);
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (pipe_ >= 0) close(pipe_);
}

bool NodeRun::wait_ready(Millis timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (pipe_ >= 0) {
    for (std::size_t eol; (eol = buffer_.find('\n')) != std::string::npos;) {
      lines_.push_back(buffer_.substr(0, eol));
      buffer_.erase(0, eol + 1);
      if (lines_.back() == "ready") return true;
    }
    const auto left =
        std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{pipe_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[256];
    const ssize_t n = read(pipe_, buf, sizeof buf);
    if (n <= 0) return false;
    buffer_.append(buf, static_cast<std::size_t>(n));
  }
  return false;
}

int NodeRun::wait_exit(Millis timeout) {
  if (pid_ <= 0) return -1;
  int status = 0;
  const bool exited =
      poll_until([&] { return waitpid(pid_, &status, WNOHANG) == pid_; }, timeout, Millis(5));
  if (!exited) {
    kill(-pid_, SIGKILL);
    waitpid(pid_, &status, 0);
    pid_ = 0;
    return -1;
  }
  pid_ = 0;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int NodeRun::terminate(Millis timeout) {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  return wait_exit(timeout);
}

std::string NodeRun::out() const {
  return file_text(spool_ + "/stdout.log");
}
std::string NodeRun::err() const {
  return file_text(spool_ + "/stderr.log");
}
std::string NodeRun::status_file() const {
  return file_text(spool_ + "/.status");
}
std::string NodeRun::diagnostics() const {
  return "--- stdout of " + spool_ + "\n" + out() + "--- stderr\n" + err();
}

ControlClient::ControlClient(const std::string& endpoint)
    : mux_(std::make_unique<net::RequestMux>(ctx_, clock_)) {
  mux_->add_peer(kNode, endpoint);
}

msg::Reply ControlClient::call(const std::string& cmd, msg::Value args, Millis timeout) {
  Result<msg::Reply> r = mux_->call(kNode, cmd, std::move(args), timeout);
  if (r) return *r;
  return msg::make_error(0, r.status());
}

std::string ControlClient::print(const std::string& id) {
  const msg::Reply r = call("print", msg::Value::empty_map().set("id", id));
  if (!r.ok) return "error: " + (r.error ? r.error->message : std::string("?"));
  const msg::Value* v = r.result ? r.result->find("value") : nullptr;
  return v != nullptr && v->as_string() ? *v->as_string() : "error: no value";
}

std::string node_binary() {
  return build_path("node/process/brocluster-node");
}

std::string write_pcap(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

std::vector<std::vector<std::string>> bro_cut(const std::string& log,
                                              const std::vector<std::string>& columns) {
  std::vector<std::string> argv = {"/usr/bin/bro-cut"};
  argv.insert(argv.end(), columns.begin(), columns.end());
  RunOptions options;
  options.stdin_data = file_text(log);
  options.timeout = Millis(10000);
  const ProcessResult r = run_process(argv, options);
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> row;
    std::size_t start = 0;
    for (std::size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1) {
      row.push_back(line.substr(start, tab - start));
    }
    row.push_back(line.substr(start));
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<std::string> data_lines(const std::string& log) {
  std::vector<std::string> out;
  std::istringstream in(file_text(log));
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line[0] != '#') out.push_back(line);
  }
  return out;
}

}  // namespace bc::test
