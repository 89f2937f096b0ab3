#include "shell/local_daemons.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <ostream>
#include <thread>

#include "common/file_util.h"
#include "common/paths.h"
#include "common/strings.h"
#include "config/endpoints.h"
#include "security/bus_security.h"
#include "security/keygen.h"
#include "shell/local_host.h"
#include "shell/run_command.h"

namespace bc::shell {
namespace {

namespace fs = std::filesystem;

// The detaching process returns as soon as its daemon serves or has failed; this only
// bounds a daemon that hangs before either.
constexpr std::chrono::seconds kStartDeadline{15};

// How long a pid file may stay locked after the process was killed (the kernel releases
// the lock at exit; a zombie's parent is init for a detached daemon).
constexpr std::chrono::seconds kGoneDeadline{5};

LocalDaemon make_daemon(const std::string& spool, const char* name, std::string endpoint,
                        std::string host) {
  return {name,
          std::string("brocluster-") + name,
          spool + "/" + name + ".pid",
          spool + "/" + name + ".log",
          std::move(endpoint),
          std::move(host)};
}

// The broker and the collector run on BrokerHost: on `host` when BrokerHost is that
// node.cfg host (by address), else, for a broker box without nodes, when it is this
// machine. (Simulated hosts share this machine, so "BrokerHost is local" alone would put
// a broker on each.)
bool broker_runs_on(const config::Cluster& cluster, const std::string& host) {
  if (cluster.standalone()) return true;
  const std::string broker = config::broker_address(cluster);
  for (const std::string& h : cluster.hosts()) {
    if (config::host_address(cluster, h) == broker)
      return config::host_address(cluster, host) == broker;
  }
  return is_local_host(broker, broker);
}

// The last line of `text` that says something, without a leading "Error: ".
std::string last_line(const std::string& text) {
  const std::vector<std::string> lines = split_trimmed(text, "\n");
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    std::string line = *it;
    if (line.empty()) continue;
    if (line.starts_with("Error: ")) line = line.substr(7);
    return line;
  }
  return {};
}

// The log's size now: where this start's lines begin.
std::uintmax_t log_size(const std::string& log_file) {
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(log_file, ec);
  return ec ? 0 : size;
}

// The daemon's last error in its log ("... error: <why>") since `from`, or "": an older
// run's error is not this start's.
std::string last_logged_error(const std::string& log_file, std::uintmax_t from) {
  auto text = read_file(log_file);
  if (!text.is_ok()) return {};
  const std::string fresh = from <= text->size() ? text->substr(from) : *text;  // rotated
  const std::vector<std::string> lines = split_trimmed(fresh, "\n");
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    for (const char* level : {" error: ", " critical: "}) {
      const auto at = it->find(level);
      if (at != std::string::npos) return it->substr(at + std::string(level).size());
    }
  }
  return {};
}

// Waits until nobody holds the pid file any more; false at the deadline.
bool wait_released(const std::string& pid_file, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (pid_file_held(pid_file)) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling a lock, not syncing
  }
  return true;
}

}  // namespace

std::string web_url(const config::Cluster& cluster) {
  return "http://" + cluster.options.get("WebAddress") + ":" + cluster.options.get("WebPort") + "/";
}

bool pid_file_held(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool held = flock(fd, LOCK_SH | LOCK_NB) != 0;
  close(fd);
  return held;
}

pid_t running_pid(const LocalDaemon& d) {
  if (!pid_file_held(d.pid_file)) return 0;
  const std::string text = tail_file(d.pid_file, 64);
  const long pid = std::strtol(text.c_str(), nullptr, 10);
  return pid > 0 ? static_cast<pid_t>(pid) : 0;
}

std::string find_executable(const std::string& name, const std::string& bin_dir) {
  std::error_code ec;
  const std::string self = self_directory();
  // Installed: all in one bin/. Build tree: build/<module>/brocluster-<module>.
  const std::string module = name.starts_with("brocluster-") ? name.substr(11) : name;
  for (const std::string& dir : {self, bin_dir, self + "/../" + module}) {
    const fs::path p = fs::path(dir) / name;
    if (!dir.empty() && fs::exists(p, ec)) return fs::weakly_canonical(p, ec).string();
  }
  return {};
}

Result<std::string> this_host(const config::Cluster& cluster, const std::string& requested) {
  const std::vector<std::string> hosts = cluster.hosts();
  if (!requested.empty()) {
    if (std::find(hosts.begin(), hosts.end(), requested) != hosts.end()) return requested;
    return Status::not_found("no node in node.cfg runs on host '" + requested +
                             "' (hosts: " + join(hosts, ", ") + ")");
  }
  if (cluster.standalone() && hosts.size() == 1) return hosts.front();
  const std::vector<std::string> local = local_hosts(cluster);
  if (local.size() == 1) return local.front();
  if (local.empty()) {
    return Status::not_found("this machine is none of node.cfg's hosts (" + join(hosts, ", ") +
                             "); say which one it is with --host");
  }
  return Status::invalid_argument("several hosts of node.cfg are this machine (" +
                                  join(local, ", ") + "); say which one with --host");
}

std::vector<LocalDaemon> daemons_of(const config::Cluster& cluster, const std::string& host) {
  const std::string spool = cluster.options.get("SpoolDir");
  std::vector<LocalDaemon> out;
  const bool broker = broker_runs_on(cluster, host);
  if (broker) out.push_back(make_daemon(spool, "broker", config::broker_sub_endpoint(cluster), ""));
  out.push_back(make_daemon(spool, "supervisor", config::supervisor_endpoint(cluster, host), host));
  if (broker) {
    out.push_back(make_daemon(spool, "collector", config::collector_endpoint(cluster), ""));
    out.push_back(make_daemon(spool, "web", web_url(cluster), ""));
    out.back().required = false;
  }
  return out;
}

std::string supervisor_start_hint(const std::string& host) {
  return "is its supervisor running? Start it on " + host +
         " with `brocluster daemons start` or `systemctl start brocluster-supervisor@" + host + "`";
}

Status ensure_bus_keys(ShellContext& ctx) {
  const config::Cluster* cluster = ctx.cluster();
  if (!security::curve_enabled(cluster->options) || security::cluster_has_keys(cluster->options)) {
    return Status::ok();
  }
  auto made = security::ensure_cluster_keys(cluster->options, cluster->hosts());
  if (!made.is_ok()) return made.status();
  ctx.err() << "made the bus keys (" << join(*made, ", ") << ") in "
            << cluster->options.get("KeysDir") << '\n';
  ctx.forget_security();
  return Status::ok();
}

Status start_daemon(ShellContext& ctx, const LocalDaemon& d) {
  if (pid_file_held(d.pid_file)) return Status::ok();
  const std::string exe = find_executable(d.executable, ctx.cluster()->options.get("BinDir"));
  if (exe.empty()) {
    return Status::not_found("cannot find " + d.executable + " next to the shell or in BinDir");
  }
  ctx.err() << "starting " << d.executable << " ...\n" << std::flush;
  std::vector<std::string> argv = {exe, "--base", ctx.base_dir()};
  if (!d.host.empty()) argv.insert(argv.end(), {"--host", d.host});
  // The daemon detaches and its first process exits once it serves, or as soon as it has
  // failed (it reports why, or its pipe closes when it dies).
  const std::uintmax_t log_before = log_size(d.log_file);
  auto run = run_command(argv, kStartDeadline);
  if (!run.is_ok()) return run.status();
  // Another shell may have started it at the same moment: what counts is that it runs.
  // (Not "the pid file is held": a daemon that has just reported its failure still holds
  // it while it exits.)
  if (run->exit_code == 0 || run->output.find("already running with pid") != std::string::npos) {
    return Status::ok();
  }
  std::string why = last_line(run->output);
  if (why.empty() || why.starts_with("daemon exited or did not become ready")) {
    if (std::string logged = last_logged_error(d.log_file, log_before); !logged.empty())
      why = logged;
  }
  if (why.empty()) why = "it exited with code " + std::to_string(run->exit_code);
  return Status(ErrorCode::kFailed,
                d.executable + " did not start: " + why + " (its log: " + d.log_file + ")");
}

Status stop_daemon(const LocalDaemon& d, std::chrono::milliseconds grace) {
  const pid_t pid = running_pid(d);
  if (pid <= 0) return Status::ok();
  if (kill(pid, SIGTERM) != 0 && errno != ESRCH) {
    return Status::io_error("cannot signal " + d.executable + " (pid " + std::to_string(pid) +
                            "): " + std::strerror(errno));
  }
  if (wait_released(d.pid_file, grace)) return Status::ok();
  // Still the holder? A pid file names its holder only while it is held.
  if (running_pid(d) == pid) kill(pid, SIGKILL);
  if (wait_released(d.pid_file, kGoneDeadline)) return Status::ok();
  return Status::timeout(d.executable + " (pid " + std::to_string(pid) + ") did not end");
}

Status ensure_local_daemons(ShellContext& ctx) {
  const config::Cluster* cluster = ctx.cluster();
  if (cluster == nullptr || !cluster->options.get_bool("StartLocalDaemons")) return Status::ok();
  if (!cluster->standalone() && !is_one_box(*cluster)) return Status::ok();
  if (Status s = ensure_bus_keys(ctx); !s.is_ok()) return s;
  auto host = this_host(*cluster, "");
  if (!host.is_ok()) return host.status();
  for (const LocalDaemon& d : daemons_of(*cluster, *host)) {
    Status s = start_daemon(ctx, d);
    if (s.is_ok()) continue;
    if (d.required) return s;
    ctx.err() << "warning: " << s.message() << "\n";
  }
  return Status::ok();
}

}  // namespace bc::shell
