#include "tests/support/processes.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

namespace bc::test {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> nul_split(const std::string& text) {
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

bool path_under(const std::string& path, const std::string& dir) {
  return path == dir || path.starts_with(dir + "/");
}

bool belongs_to(pid_t pid, const std::vector<std::string>& dirs) {
  const std::string proc = "/proc/" + std::to_string(pid);
  const auto env = nul_split(file_text(proc + "/environ"));
  const auto cmdline = nul_split(file_text(proc + "/cmdline"));
  std::error_code ec;
  const std::string cwd = fs::read_symlink(proc + "/cwd", ec).string();
  for (const auto& dir : dirs) {
    for (const auto& kv : env) {
      for (const char* key : {"CLUSTER_SPOOL=", "CLUSTER_BASE=", "HOME="}) {
        if (kv.starts_with(key) && path_under(kv.substr(std::strlen(key)), dir)) return true;
      }
    }
    for (const auto& arg : cmdline) {
      if (arg.find(dir) != std::string::npos) return true;
    }
    if (!ec && path_under(cwd, dir)) return true;
  }
  return false;
}

// The fields of /proc/<pid>/stat after the command name ("S 1234 ..."); empty when gone.
std::string stat_tail(pid_t pid) {
  const std::string stat = file_text("/proc/" + std::to_string(pid) + "/stat");
  const auto close = stat.rfind(')');
  if (close == std::string::npos || close + 2 >= stat.size()) return {};
  return stat.substr(close + 2);
}

}  // namespace

bool poll_until(const std::function<bool()>& pred, Millis timeout, Millis interval) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (pred()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(interval);  // the polling interval of a state with no event
  }
}

std::string file_text(const std::string& path) {
  return file_text(path, "");
}

std::string file_text(const std::string& path, const std::string& if_unreadable) {
  // Plain read(2): a /proc file of a process that exits meanwhile fails with ESRCH, which
  // std::filebuf would turn into an exception.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return if_unreadable;
  std::string out;
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

pid_t read_pid_file(const std::string& path) {
  const std::string text = file_text(path);
  return text.empty() ? 0 : static_cast<pid_t>(std::atol(text.c_str()));
}

bool pid_alive(pid_t pid) {
  if (pid <= 0) return false;
  const std::string tail = stat_tail(pid);
  return !tail.empty() && tail[0] != 'Z' && tail[0] != 'X';
}

std::vector<pid_t> proc_pids() {
  std::vector<pid_t> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    const auto pid = static_cast<pid_t>(std::atol(name.c_str()));
    if (pid != ::getpid()) out.push_back(pid);
  }
  return out;
}

std::vector<pid_t> children_of(pid_t parent) {
  std::vector<pid_t> out;
  for (pid_t pid : proc_pids()) {
    const std::string tail = stat_tail(pid);  // "S <ppid> ..."
    const auto space = tail.find(' ');
    if (space != std::string::npos && std::atol(tail.c_str() + space + 1) == parent) {
      out.push_back(pid);
    }
  }
  return out;
}

std::vector<pid_t> pids_with_env(const std::string& entry) {
  std::vector<pid_t> out;
  for (pid_t pid : proc_pids()) {
    const auto env = nul_split(file_text("/proc/" + std::to_string(pid) + "/environ"));
    if (std::find(env.begin(), env.end(), entry) != env.end() && pid_alive(pid)) out.push_back(pid);
  }
  return out;
}

std::vector<pid_t> pids_under(const std::vector<std::string>& dirs) {
  std::vector<pid_t> out;
  for (pid_t pid : proc_pids()) {
    if (pid_alive(pid) && belongs_to(pid, dirs)) out.push_back(pid);
  }
  return out;
}

bool pid_belongs_to(pid_t pid, const std::vector<std::string>& dirs) {
  return pid_alive(pid) && belongs_to(pid, dirs);
}

void kill_until_gone(const std::function<std::vector<pid_t>()>& find) {
  for (int round = 0; round < 100; ++round) {
    const auto pids = find();
    if (pids.empty()) return;
    for (pid_t pid : pids)
      ::kill(pid, SIGKILL);
    poll_until([&] { return std::none_of(pids.begin(), pids.end(), pid_alive); }, Millis(1000),
               Millis(5));
  }
}

void kill_all_under(const std::vector<std::string>& dirs) {
  kill_until_gone([&] { return pids_under(dirs); });
}

Status kill_and_wait(pid_t& pid, int sig, const std::string& what) {
  if (pid <= 0 || ::kill(pid, sig) != 0) return Status::not_found("no " + what + " to signal");
  const pid_t p = pid;
  if (!poll_until([p] { return !pid_alive(p); }, Millis(10000), Millis(2))) {
    return Status::timeout(what + " " + std::to_string(p) + " is still alive");
  }
  pid = 0;
  return Status::ok();
}

}  // namespace bc::test
