#pragma once
// Collecting exited children. The supervisor calls reap_children() whenever its signalfd
// reports SIGCHLD; SIGCHLD coalesces, so one signal may stand for several exits and the
// loop must drain them all. Never blocks.

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace bc::sup {

// How a child ended, as wait4() reports it.
struct ExitInfo {
  pid_t pid = 0;
  bool exited = false;  // true: exit_code is valid; false: killed by `signal`
  int exit_code = 0;
  int signal = 0;
  bool core_dumped = false;
  double utime_s = 0;  // CPU time of the child itself (not of its own reaped children)
  double stime_s = 0;
  long maxrss_kb = 0;
};

// Reaps every child that has exited, without blocking (wait4(-1, WNOHANG) until it reports
// nothing left). Returns them in reaping order; empty when there was nothing to reap.
std::vector<ExitInfo> reap_children();

// Reaps one particular child. With `block` false returns nullopt if it has not exited yet;
// with `block` true waits for it (for tests and for the spawner's failed-exec path only —
// the event loop never blocks). nullopt also when `pid` is not our child.
std::optional<ExitInfo> reap_child(pid_t pid, bool block);

// "exit code 3", "signal 11 (Segmentation fault), core dumped" — for logs and replies.
std::string describe_exit(const ExitInfo& info);

}  // namespace bc::sup
