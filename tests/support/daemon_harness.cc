#include "tests/support/daemon_harness.h"

#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <filesystem>
#include <thread>

#include "tests/support/bus_keys.h"

namespace bc::test {
namespace {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

// Ports: blocks of four (BrokerPub, BrokerSub, Supervisor, Collector) in 20000-29999,
// outside 27759-27770; the block comes from the process id and a per-process counter
// (ctest runs every test in its own process), and is skipped when a port is taken.
constexpr int kPortFirst = 20000;
constexpr int kPortBlocks = 2500;
constexpr int kReservedFirst = 27759;
constexpr int kReservedLast = 27770;
std::atomic<int> g_cluster_counter{0};

bool port_free(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_ANY);  // taken on any address counts as taken
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

int choose_ports() {
  for (int attempt = 0; attempt < kPortBlocks; ++attempt) {
    const int n = g_cluster_counter.fetch_add(1);
    const int block = static_cast<int>((static_cast<long>(::getpid()) * 7 + n * 613) % kPortBlocks);
    const int first = kPortFirst + block * 4;
    if (first + 3 >= kReservedFirst && first <= kReservedLast) continue;
    if (port_free(first) && port_free(first + 1) && port_free(first + 2) && port_free(first + 3)) {
      return first;
    }
  }
  return kPortFirst;
}

// NUL-separated entries of /proc/<pid>/environ or cmdline.
std::vector<std::string> proc_strings(pid_t pid, const char* leaf) {
  const std::string text = read_text("/proc/" + std::to_string(pid) + "/" + leaf);
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\0', start);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::vector<pid_t> all_pids() {
  std::vector<pid_t> out;
  DIR* dir = ::opendir("/proc");
  if (dir == nullptr) return out;
  while (const dirent* entry = ::readdir(dir)) {
    const std::string name = entry->d_name;
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    const auto pid = static_cast<pid_t>(std::atol(name.c_str()));
    if (pid != ::getpid()) out.push_back(pid);
  }
  ::closedir(dir);
  return out;
}

bool under(const std::string& path, const std::string& dir) {
  return path == dir || path.starts_with(dir + "/");
}

pid_t read_pid_file(const std::string& path) {
  const std::string text = read_text(path);
  return text.empty() ? 0 : static_cast<pid_t>(std::atol(text.c_str()));
}

// Kills `pid` if it still belongs to `base` (a pid file may be stale and the pid reused).
void kill_if_ours(pid_t pid, const std::string& base) {
  if (pid <= 0) return;
  const auto ours = processes_under(base);
  if (std::find(ours.begin(), ours.end(), pid) != ours.end()) ::kill(pid, SIGKILL);
}

}  // namespace

bool wait_until(const std::function<bool()>& predicate, Millis timeout, Millis interval) {
  const auto deadline = SteadyClock::now() + timeout;
  for (;;) {
    if (predicate()) return true;
    if (SteadyClock::now() >= deadline) return false;
    std::this_thread::sleep_for(interval);  // polling interval of a state without events
  }
}

bool process_alive(pid_t pid) {
  if (pid <= 0) return false;
  const std::string stat = read_text("/proc/" + std::to_string(pid) + "/stat");
  const auto close = stat.rfind(')');
  if (close == std::string::npos || close + 2 >= stat.size()) return false;
  const char state = stat[close + 2];
  return state != 'Z' && state != 'X';
}

std::vector<pid_t> processes_with_env(const std::string& entry) {
  std::vector<pid_t> out;
  for (pid_t pid : all_pids()) {
    const auto env = proc_strings(pid, "environ");
    if (std::find(env.begin(), env.end(), entry) != env.end() && process_alive(pid)) {
      out.push_back(pid);
    }
  }
  return out;
}

std::vector<pid_t> processes_under(const std::string& base) {
  std::vector<pid_t> out;
  for (pid_t pid : all_pids()) {
    bool ours = false;
    for (const auto& kv : proc_strings(pid, "environ")) {
      if (kv == "CLUSTER_BASE=" + base || kv == "HOME=" + base) ours = true;
    }
    for (const auto& arg : proc_strings(pid, "cmdline")) {
      if (arg.find(base) != std::string::npos) ours = true;
    }
    std::error_code ec;
    const auto cwd = fs::read_symlink("/proc/" + std::to_string(pid) + "/cwd", ec);
    if (!ec && under(cwd.string(), base)) ours = true;
    if (ours) out.push_back(pid);
  }
  return out;
}

std::string read_text(const std::string& path) {
  // Plain read(2): /proc files of a process that exits meanwhile fail with ESRCH, which
  // std::filebuf turns into an exception.
  std::string out;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return out;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

// ---- TestHost

std::vector<std::string> TestHost::crash_records(const std::string& node) const {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(crash_root(node), ec)) {
    if (entry.is_directory(ec)) out.push_back(entry.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

void TestHost::set_fake_env(const std::string& node, const std::vector<std::string>& lines) const {
  std::string text;
  for (const auto& line : lines)
    text += line + "\n";
  base_.write("spool/" + node + "/fake.env", text);
}

// ---- TestCluster

TestCluster::TestCluster(ClusterSettings settings)
    : settings_(std::move(settings)), port_base_(choose_ports()), ctx_(1) {}

TestCluster::~TestCluster() {
  kill_everything();
}

TestHost& TestCluster::add_host() {
  auto host = std::make_unique<TestHost>("127.0.0." + std::to_string(2 + hosts_.size()));
  host->endpoint_ = "tcp://" + host->name() + ":" + std::to_string(port_base_ + 2);
  hosts_.push_back(std::move(host));
  return *hosts_.back();
}

void TestCluster::add_node(const TestHost& host, const std::string& name, const std::string& type,
                           const std::vector<std::string>& lines) {
  node_cfg_ += "[" + name + "]\ntype=" + type + "\nhost=" + host.name() + "\n";
  for (const auto& line : lines)
    node_cfg_ += line + "\n";
}

void TestCluster::add_standard_nodes(const TestHost& host, int workers,
                                     const std::vector<std::string>& worker_lines) {
  add_node(host, "manager", "manager");
  add_node(host, "proxy-1", "proxy");
  for (int i = 1; i <= workers; ++i)
    add_node(host, "worker-" + std::to_string(i), "worker", worker_lines);
}

std::string TestCluster::cluster_cfg() const {
  std::string cfg;
  auto line = [&cfg](const std::string& key, const std::string& value) {
    cfg += key + " = " + value + "\n";
  };
  line("NodeProgram", build_path("tests/fake_node/brocluster-fake-node"));
  line("BrokerHost", hosts_.front()->name());
  line("BrokerPubPort", std::to_string(port_base_));
  line("BrokerSubPort", std::to_string(port_base_ + 1));
  line("SupervisorPort", std::to_string(port_base_ + 2));
  line("CollectorPort", std::to_string(port_base_ + 3));
  line("ReadyGraceTime", std::to_string(settings_.ready_grace));
  line("StopTimeout", std::to_string(settings_.stop_timeout));
  line("StartTimeout", std::to_string(settings_.start_timeout));
  line("HeartbeatInterval", std::to_string(settings_.heartbeat));
  line("StatsInterval", std::to_string(settings_.stats));
  if (!settings_.bro_args.empty()) line("BroArgs", settings_.bro_args);
  for (const auto& extra : settings_.extra_options)
    cfg += extra + "\n";
  return cfg;
}

void TestCluster::write_config() const {
  const std::string cfg = cluster_cfg();
  for (const auto& host : hosts_) {
    host->base_.write("etc/cluster.cfg", cfg);
    host->base_.write("etc/node.cfg", node_cfg_);
    fs::create_directories(host->base() + "/logs");
  }
}

std::string TestCluster::broker_sub_endpoint() const {
  return "tcp://" + hosts_.front()->name() + ":" + std::to_string(port_base_ + 1);
}

Status TestCluster::start() {
  if (hosts_.empty()) return Status::invalid_argument("a test cluster needs a host");
  write_config();
  std::vector<std::string> bases;
  std::vector<std::string> names;
  for (const auto& host : hosts_) {
    bases.push_back(host->base());
    names.push_back(host->name());
  }
  make_bus_keys(bases, names);
  security_ = admin_security(bases.front());
  if (Status s = start_broker(); !s) return s;
  for (auto& host : hosts_) {
    if (Status s = start_supervisor(*host); !s) return s;
  }
  return Status::ok();
}

Status TestCluster::start_broker() {
  const TestHost& host = *hosts_.front();
  RunOptions options;
  options.timeout = Millis(15000);
  const auto r =
      run_process({build_path("broker/brocluster-broker"), "--base", host.base()}, options);
  if (r.exit_code != 0) return Status::io_error("broker did not start: " + r.err);
  broker_pid_ = read_pid_file(host.spool() + "/broker.pid");
  // The tap is in place once the broker's own heartbeat reaches it.
  tap_ = std::make_unique<EventTap>(ctx_, broker_sub_endpoint(), security_.get());
  if (!tap_->wait_for(broker_heartbeat(), Millis(10000))) {
    return Status::timeout("no broker heartbeat on " + broker_sub_endpoint());
  }
  return Status::ok();
}

ProcessResult TestCluster::run_supervisor(const TestHost& host) const {
  RunOptions options;
  options.timeout = Millis(15000);
  return run_process({build_path("supervisor/brocluster-supervisor"), "--base", host.base(),
                      "--host", host.name()},
                     options);
}

Status TestCluster::start_supervisor(TestHost& host) {
  const auto r = run_supervisor(host);
  if (r.exit_code != 0) {
    return Status::io_error("supervisor of " + host.name() + " did not start (exit " +
                            std::to_string(r.exit_code) + "): " + r.err);
  }
  host.supervisor_pid_ = read_pid_file(host.spool() + "/supervisor.pid");
  if (host.supervisor_pid_ <= 0) return Status::io_error("no pid in supervisor.pid");
  // Its first heartbeat on the tap: the path supervisor -> broker -> tap is up.
  if (!tap_->wait_for(heartbeat_from(host.name(), host.supervisor_pid_), Millis(10000))) {
    return Status::timeout("no heartbeat from the supervisor of " + host.name());
  }
  return Status::ok();
}

Status TestCluster::kill_supervisor(TestHost& host, int sig) {
  const pid_t pid = host.supervisor_pid_;
  if (pid <= 0 || ::kill(pid, sig) != 0) return Status::not_found("no supervisor to signal");
  if (!wait_until([pid] { return !process_alive(pid); }, Millis(10000))) {
    return Status::timeout("supervisor " + std::to_string(pid) + " still alive");
  }
  host.supervisor_pid_ = 0;
  return Status::ok();
}

void TestCluster::dump_logs(std::ostream& out) const {
  for (const auto& host : hosts_) {
    for (const char* log : {"supervisor.log", "broker.log"}) {
      const std::string text = read_text(host->spool() + "/" + log);
      if (!text.empty()) out << "==== " << host->name() << " " << log << "\n" << text;
    }
  }
}

void TestCluster::kill_everything() {
  if (!hosts_.empty()) kill_if_ours(broker_pid_, hosts_.front()->base());
  for (const auto& host : hosts_)
    kill_if_ours(host->supervisor_pid_, host->base());
  // Nodes, exec jobs and backtraces outlive their supervisor: find them by their BroBase,
  // until none is left (SIGKILL is asynchronous, and a dying supervisor may still spawn).
  (void)wait_until(
      [this] {
        bool found = false;
        for (const auto& host : hosts_) {
          for (pid_t pid : processes_under(host->base())) {
            if (!process_alive(pid)) continue;
            found = true;
            ::kill(pid, SIGKILL);
          }
        }
        return !found;
      },
      Millis(5000), Millis(20));
}

}  // namespace bc::test
