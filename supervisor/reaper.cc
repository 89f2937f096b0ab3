#include "supervisor/reaper.h"

#include <sys/resource.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>

namespace bc::sup {
namespace {

double seconds(const timeval& tv) {
  return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
}

ExitInfo decode(pid_t pid, int status, const rusage& ru) {
  ExitInfo info;
  info.pid = pid;
  info.exited = WIFEXITED(status);
  if (info.exited) {
    info.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    info.signal = WTERMSIG(status);
    info.core_dumped = WCOREDUMP(status);
  }
  info.utime_s = seconds(ru.ru_utime);
  info.stime_s = seconds(ru.ru_stime);
  info.maxrss_kb = ru.ru_maxrss;  // Linux reports kilobytes
  return info;
}

// wait4 retried on EINTR; returns its result and fills status/usage.
pid_t wait_for(pid_t pid, int options, int& status, rusage& ru) {
  for (;;) {
    const pid_t r = ::wait4(pid, &status, options, &ru);
    if (r >= 0 || errno != EINTR) return r;
  }
}

}  // namespace

std::vector<ExitInfo> reap_children() {
  std::vector<ExitInfo> out;
  for (;;) {
    int status = 0;
    rusage ru{};
    const pid_t pid = wait_for(-1, WNOHANG, status, ru);
    // 0: children exist but none has exited; -1/ECHILD: no children at all.
    if (pid <= 0) return out;
    out.push_back(decode(pid, status, ru));
  }
}

std::optional<ExitInfo> reap_child(pid_t pid, bool block) {
  if (pid <= 0) return std::nullopt;
  int status = 0;
  rusage ru{};
  const pid_t r = wait_for(pid, block ? 0 : WNOHANG, status, ru);
  if (r != pid) return std::nullopt;
  return decode(pid, status, ru);
}

std::string describe_exit(const ExitInfo& info) {
  if (info.exited) return "exit code " + std::to_string(info.exit_code);
  std::string s = "signal " + std::to_string(info.signal);
  if (const char* name = ::strsignal(info.signal)) {
    s += " (";
    s += name;
    s += ")";
  }
  if (info.core_dumped) s += ", core dumped";
  return s;
}

}  // namespace bc::sup
