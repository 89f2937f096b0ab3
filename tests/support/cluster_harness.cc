#include "tests/support/cluster_harness.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support/bus_keys.h"

namespace bc::test {
namespace {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

}  // namespace

// ---------------------------------------------------------------- BackgroundProcess

BackgroundProcess::BackgroundProcess(const std::vector<std::string>& argv,
                                     const std::vector<std::pair<std::string, std::string>>& env) {
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) return;
  pid_ = fork();
  if (pid_ == 0) {
    signal(SIGPIPE, SIG_DFL);  // as from a shell
    exec_child(argv, env, {}, open("/dev/null", O_RDONLY), out[1], err[1]);
  }
  setpgid(pid_, pid_);  // also here: no race with a kill(-pid) right after the fork
  close(out[1]);
  close(err[1]);
  out_fd_ = out[0];
  err_fd_ = err[0];
  signal(SIGPIPE, SIG_IGN);  // our reads never write, but close_stdout() tests do
}

BackgroundProcess::~BackgroundProcess() {
  if (pid_ > 0 && !exited_) {
    kill(-pid_, SIGKILL);
    kill(pid_, SIGKILL);
    reap(true);
  }
  if (out_fd_ >= 0) close(out_fd_);
  if (err_fd_ >= 0) close(err_fd_);
}

void BackgroundProcess::pump(Millis wait) {
  pollfd fds[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
  if (out_fd_ < 0 && err_fd_ < 0) return;
  if (poll(fds, 2, static_cast<int>(std::max<long>(wait.count(), 0))) <= 0) return;
  char buf[65536];
  for (int i = 0; i < 2; ++i) {
    if (fds[i].fd < 0 || fds[i].revents == 0) continue;
    const ssize_t n = read(fds[i].fd, buf, sizeof buf);
    int& fd = i == 0 ? out_fd_ : err_fd_;
    if (n <= 0) {
      close(fd);
      fd = -1;
      continue;
    }
    if (i == 1) {
      err_.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    partial_.append(buf, static_cast<std::size_t>(n));
    std::size_t nl;
    while ((nl = partial_.find('\n')) != std::string::npos) {
      lines_.push_back(partial_.substr(0, nl));
      partial_.erase(0, nl + 1);
    }
  }
}

std::optional<std::string> BackgroundProcess::next_line(
    const std::function<bool(const std::string&)>& pred, Millis timeout) {
  const auto deadline = SteadyClock::now() + timeout;
  for (;;) {
    while (cursor_ < lines_.size()) {
      const std::string& line = lines_[cursor_++];
      if (pred(line)) return line;
    }
    const auto left = std::chrono::duration_cast<Millis>(deadline - SteadyClock::now());
    if (left.count() <= 0 || out_fd_ < 0) return std::nullopt;
    pump(left);
  }
}

void BackgroundProcess::close_stdout() {
  if (out_fd_ >= 0) close(out_fd_);
  out_fd_ = -1;
}

bool BackgroundProcess::reap(bool block) {
  if (exited_ || pid_ <= 0) return exited_;
  int status = 0;
  pid_t r;
  while ((r = waitpid(pid_, &status, block ? 0 : WNOHANG)) < 0 && errno == EINTR) {
  }
  if (r != pid_) return false;
  exited_ = true;
  if (WIFEXITED(status)) exit_code_ = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) signal_ = WTERMSIG(status);
  return true;
}

int BackgroundProcess::wait_exit(Millis timeout) {
  const auto deadline = SteadyClock::now() + timeout;
  while (!reap(false)) {
    const auto left = std::chrono::duration_cast<Millis>(deadline - SteadyClock::now());
    if (left.count() <= 0) return -1;
    if (out_fd_ >= 0 || err_fd_ >= 0) {
      pump(std::min(left, Millis(20)));
    } else {
      std::this_thread::sleep_for(std::min(left, Millis(5)));  // polling a pid for its exit
    }
  }
  while (out_fd_ >= 0 || err_fd_ >= 0) {
    // Output left in the pipes (a detached grandchild may hold them: bounded).
    if (SteadyClock::now() >= deadline) break;
    pump(Millis(20));
  }
  return exit_code_;
}

void BackgroundProcess::send_signal(int sig) {
  if (pid_ > 0 && !exited_) kill(pid_, sig);
}

std::string BackgroundProcess::stderr_text() {
  pump(Millis(0));
  return err_;
}

std::string BackgroundProcess::stdout_text() const {
  std::string s;
  for (const auto& l : lines_)
    s += l + "\n";
  return s + partial_;
}

// ---------------------------------------------------------------- ports

namespace {

constexpr int kPortFirst = 21000;
constexpr int kPortEnd = 27000;  // exclusive; 27759-27770 is above it
std::atomic<int> g_port_counter{0};

bool port_free(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_ANY);  // in use on any loopback address = in use
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

}  // namespace

int choose_port_block(int count) {
  const int blocks = (kPortEnd - kPortFirst) / count;
  for (int attempt = 0; attempt < blocks; ++attempt) {
    const int n = g_port_counter.fetch_add(1);
    // Spread by pid (ctest runs each test in its own process) and step by a prime.
    const long block = (static_cast<long>(getpid()) * 31 + n * 97) % blocks;
    const int first = kPortFirst + static_cast<int>(block) * count;
    bool ok = true;
    for (int p = first; p < first + count && ok; ++p)
      ok = port_free(p);
    if (ok) return first;
  }
  return kPortFirst;
}

// ---------------------------------------------------------------- SimHost

std::vector<std::string> SimHost::crash_records(const std::string& node) const {
  return crash_records_in(crash_root(node));
}

void SimHost::set_fake_env(const std::string& node, const std::vector<std::string>& lines) const {
  write_fake_env(node_dir(node), lines);
}

// ---------------------------------------------------------------- SimCluster

SimCluster::SimCluster(SimOptions options)
    : options_(std::move(options)), port_base_(choose_port_block(5)) {}

SimCluster::~SimCluster() {
  kill_everything();
}

SimHost& SimCluster::add_host() {
  hosts_.push_back(std::make_unique<SimHost>("127.0.0." + std::to_string(2 + hosts_.size())));
  return *hosts_.back();
}

void SimCluster::add_node(const SimHost& host, const std::string& name, const std::string& type,
                          const std::vector<std::string>& lines) {
  node_cfg_ += "[" + name + "]\ntype=" + type + "\nhost=" + host.name() + "\n";
  int procs = 0;
  for (const auto& line : lines) {
    node_cfg_ += line + "\n";
    if (line.starts_with("lb_procs=")) procs = std::atoi(line.c_str() + 9);
  }
  std::size_t index = 0;
  while (&*hosts_[index] != &host)
    ++index;
  std::vector<std::string> names;
  for (int i = 1; i <= procs; ++i)
    names.push_back(name + "-" + std::to_string(i));
  if (procs == 0) names.push_back(name);
  for (const auto& n : names) {
    node_names_.push_back(n);
    node_host_[n] = index;
  }
}

void SimCluster::add_standard_nodes(const SimHost& host, int workers,
                                    const std::vector<std::string>& worker_lines) {
  add_node(host, "manager", "manager");
  add_node(host, "proxy-1", "proxy");
  for (int i = 1; i <= workers; ++i)
    add_node(host, "worker-" + std::to_string(i), "worker", worker_lines);
}

void SimCluster::write_config() const {
  std::ostringstream cfg;
  cfg << "NodeProgram = " << build_path("tests/fake_node/brocluster-fake-node") << '\n'
      << "BrokerHost = " << hosts_.front()->name() << '\n'
      << "BrokerPubPort = " << port_base_ << '\n'
      << "BrokerSubPort = " << port_base_ + 1 << '\n'
      << "SupervisorPort = " << port_base_ + 2 << '\n'
      << "CollectorPort = " << port_base_ + 3 << '\n'
      << "WebPort = " << port_base_ + 4 << '\n'
      << "CommTimeout = " << options_.comm_timeout << '\n'
      << "HeartbeatInterval = " << options_.heartbeat << '\n'
      << "ReadyGraceTime = " << options_.ready_grace << '\n'
      << "StopTimeout = " << options_.stop_timeout << '\n'
      << "StartTimeout = " << options_.start_timeout << '\n'
      << "StatsInterval = " << options_.stats << '\n';
  // Each simulated host has a BroBase and daemons of its own, which start() starts; a
  // shell that started "missing" ones for a one-box cluster (one host on 127.0.0.x) would
  // add a collector the test did not ask for. Standalone keeps the shell's own daemons.
  if (node_cfg_.find("type=standalone") == std::string::npos) cfg << "StartLocalDaemons = 0\n";
  for (const auto& line : options_.extra)
    cfg << line << '\n';
  std::vector<std::string> names;
  for (const auto& host : hosts_) {
    host->base_.write("etc/cluster.cfg", cfg.str());
    host->base_.write("etc/node.cfg", node_cfg_);
    names.push_back(host->name());
  }
  // As a user sets up hosts: keygen on the first, etc/keys/ copied to the others.
  make_bus_keys(bases(), names);
}

std::vector<std::string> SimCluster::bases() const {
  std::vector<std::string> out;
  for (const auto& host : hosts_)
    out.push_back(host->base());
  return out;
}

Status SimCluster::start() {
  if (hosts_.empty()) return Status::invalid_argument("a cluster needs a host");
  Status last;
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (attempt > 0) {
      kill_everything();  // a port was taken by a parallel test: try another block
      port_base_ = choose_port_block(5);
      tap_.reset();
    }
    write_config();
    if (!security_) security_ = admin_security(hosts_.front()->base());
    last = start_broker();
    for (auto& host : hosts_) {
      if (!last.is_ok()) break;
      last = start_supervisor(*host);
    }
    if (last.is_ok() || last.message().find("in use") == std::string::npos) return last;
  }
  return last;
}

Status SimCluster::start_broker() {
  const SimHost& host = *hosts_.front();
  RunOptions run;
  run.timeout = Millis(20000);
  const auto r = run_process({build_path("broker/brocluster-broker"), "--base", host.base()}, run);
  if (r.exit_code != 0) return Status::io_error("broker did not start: " + r.err + r.out);
  broker_pid_ = read_pid_file(host.spool() + "/broker.pid");
  if (broker_pid_ <= 0) return Status::io_error("no pid in broker.pid");
  if (!options_.event_tap) return Status::ok();
  // The tap is subscribed once the broker's own heartbeat reaches it.
  if (!tap_) tap_ = std::make_unique<EventTap>(ctx_, broker_sub_endpoint(), security_.get());
  if (!tap_->wait_for(broker_heartbeat(), Millis(10000))) {
    return Status::timeout("no broker heartbeat on " + broker_sub_endpoint());
  }
  return Status::ok();
}

ProcessResult SimCluster::run_supervisor(const SimHost& host) const {
  RunOptions run;
  run.timeout = Millis(20000);
  return run_process({build_path("supervisor/brocluster-supervisor"), "--base", host.base(),
                      "--host", host.name()},
                     run);
}

Status SimCluster::start_supervisor(SimHost& host) {
  const auto r = run_supervisor(host);
  if (r.exit_code != 0) {
    return Status::io_error("supervisor of " + host.name() + " did not start: " + r.err + r.out);
  }
  host.supervisor_pid_ = read_pid_file(host.spool() + "/supervisor.pid");
  if (host.supervisor_pid_ <= 0) return Status::io_error("no pid in supervisor.pid");
  // With a tap, its first heartbeat there: the path supervisor -> broker -> tap is up.
  if (tap_ && !tap_->wait_for(heartbeat_from(host.name(), host.supervisor_pid_), Millis(10000))) {
    return Status::timeout("no heartbeat from the supervisor of " + host.name());
  }
  return Status::ok();
}

Status SimCluster::kill_broker(int sig) {
  return kill_and_wait(broker_pid_, sig, "broker");
}

Status SimCluster::kill_supervisor(SimHost& host, int sig) {
  return kill_and_wait(host.supervisor_pid_, sig, "supervisor of " + host.name());
}

std::vector<std::string> SimCluster::shell_argv(const std::vector<std::string>& args) const {
  return shell_argv_for(hosts_.front()->base(), args);
}

ProcessResult SimCluster::shell(const std::vector<std::string>& args, Millis timeout) const {
  return run_shell(hosts_.front()->base(), args, timeout);
}

std::unique_ptr<BackgroundProcess> SimCluster::shell_background(
    const std::vector<std::string>& args) const {
  return std::make_unique<BackgroundProcess>(shell_argv(args));
}

const SimHost& SimCluster::host_of(const std::string& node) const {
  return *hosts_.at(node_host_.at(node));
}

std::vector<pid_t> SimCluster::node_pids(const std::string& node) const {
  return pids_with_env("CLUSTER_SPOOL=" + host_of(node).node_dir(node));
}

Client SimCluster::client(const SimHost& host) {
  return Client(ctx_, supervisor_endpoint(host), security_.get(), host.name());
}

std::string SimCluster::broker_sub_endpoint() const {
  return "tcp://" + hosts_.front()->name() + ":" + std::to_string(port_base_ + 1);
}

std::string SimCluster::supervisor_endpoint(const SimHost& host) const {
  return "tcp://" + host.name() + ":" + std::to_string(port_base_ + 2);
}

std::string SimCluster::logs() const {
  std::string out;
  for (const auto& host : hosts_) {
    for (const char* log : {"supervisor.log", "broker.log"}) {
      const std::string text = file_text(host->spool() + "/" + log);
      if (!text.empty()) out += "==== " + host->name() + " " + log + "\n" + text;
    }
  }
  return out;
}

void SimCluster::kill_everything() {
  // Daemons first, so that no supervisor starts a node while we sweep; by pid, but only
  // while the pid is still one of ours (a pid file outlives its process).
  const auto dirs = bases();
  for (pid_t* pid : {&broker_pid_}) {
    if (*pid > 0 && pid_belongs_to(*pid, dirs)) kill(*pid, SIGKILL);
    *pid = 0;
  }
  for (const auto& host : hosts_) {
    const pid_t pid = host->supervisor_pid_;
    if (pid > 0 && pid_belongs_to(pid, dirs)) kill(pid, SIGKILL);
    host->supervisor_pid_ = 0;
  }
  kill_all_under(dirs);
}

std::optional<Json> next_json(BackgroundProcess& process,
                              const std::function<bool(const Json&)>& pred, Millis timeout) {
  std::optional<Json> found;
  const auto line = process.next_line(
      [&](const std::string& text) {
        auto json = Json::parse(text);
        if (!json || !json->is_object() || !pred(*json)) return false;
        found = std::move(json);
        return true;
      },
      timeout);
  return line ? found : std::nullopt;
}

std::function<bool(const Json&)> is_heartbeat(const std::string& host, const std::string& role) {
  return [=](const Json& j) {
    return j["type"].str() == "heartbeat" && j["host"].str() == host && j["role"].str() == role;
  };
}

std::function<bool(const Json&)> is_node_state(const std::string& node, const std::string& state) {
  return [=](const Json& j) {
    return j["type"].str() == "node_state" && j["node"].str() == node && j["state"].str() == state;
  };
}

std::function<bool(const Json&)> is_crash(const std::string& node) {
  return [=](const Json& j) { return j["type"].str() == "crash" && j["node"].str() == node; };
}

std::vector<std::string> await_states(BackgroundProcess& process,
                                      const std::vector<std::string>& nodes,
                                      const std::string& state, Millis timeout) {
  std::vector<std::string> missing = nodes;
  const auto deadline = SteadyClock::now() + timeout;
  while (!missing.empty()) {
    const auto left = std::chrono::duration_cast<Millis>(deadline - SteadyClock::now());
    if (left.count() <= 0) break;
    auto event = next_json(
        process,
        [&](const Json& j) {
          return j["type"].str() == "node_state" && j["state"].str() == state &&
                 std::find(missing.begin(), missing.end(), j["node"].str()) != missing.end();
        },
        left);
    if (!event) break;
    std::erase(missing, (*event)["node"].str());
  }
  return missing;
}

std::vector<std::string> crash_records_in(const std::string& crash_root) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(crash_root, ec)) {
    if (entry.is_directory(ec)) out.push_back(entry.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

void write_fake_env(const std::string& node_dir, const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines)
    text += line + "\n";
  fs::create_directories(node_dir);
  std::ofstream(node_dir + "/fake.env", std::ios::binary) << text;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    out.push_back(line);
  return out;
}

std::map<std::string, std::vector<std::string>> status_rows(const std::string& out) {
  std::map<std::string, std::vector<std::string>> rows;
  const auto lines = split_lines(out);
  for (std::size_t i = 1; i < lines.size(); ++i) {
    std::istringstream in(lines[i]);
    std::vector<std::string> cells;
    std::string cell;
    while (in >> cell)
      cells.push_back(cell);
    if (!cells.empty()) rows[cells[0]] = cells;
  }
  return rows;
}

long line_index(const std::string& text, const std::string& needle) {
  const auto lines = split_lines(text);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].find(needle) != std::string::npos) return static_cast<long>(i);
  }
  return -1;
}

}  // namespace bc::test
