#pragma once
// RAII guards and deadline-based waits for the supervisor OS-layer tests. Children and
// temporary directories are cleaned up even when an assertion returns early; waits are
// on events (pidfd readiness, waitpid) bounded by deadlines, never bare sleeps.

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "supervisor/reaper.h"
#include "tests/support/processes.h"
#include "tests/support/run_process.h"

namespace bc::sup::testing {

using std::chrono::milliseconds;
inline constexpr milliseconds kDeadline{10000};

// The tests' one temp-dir helper (tests/support/run_process.h).
using TempDir = bc::test::TempDir;

// Owns a child pid: on destruction SIGKILLs its process group and the pid and reaps it,
// unless release()d after the test reaped it itself.
class ChildGuard {
 public:
  explicit ChildGuard(pid_t pid, int pidfd = -1) : pid_(pid), pidfd_(pidfd) {}
  ~ChildGuard();
  ChildGuard(const ChildGuard&) = delete;
  ChildGuard& operator=(const ChildGuard&) = delete;
  pid_t pid() const { return pid_; }
  void release() { pid_ = -1; }

 private:
  pid_t pid_;
  int pidfd_;
};

// Waits until `pid` (our child) has exited WITHOUT reaping it (it stays a zombie), so
// tests can then exercise reap_children() or /proc on the zombie. False on timeout.
bool wait_exited_unreaped(pid_t pid, milliseconds timeout = kDeadline);

// Waits for `pid` to exit and reaps it. nullopt on timeout.
std::optional<ExitInfo> wait_exit(pid_t pid, milliseconds timeout = kDeadline);

// Polls `pred` until it holds or the deadline passes: the tests' one polled wait
// (tests/support/processes.h).
inline bool wait_for(const std::function<bool()>& pred, milliseconds timeout = kDeadline) {
  return bc::test::poll_until(pred, timeout, milliseconds(2));
}

// Runs `fn` in a forked child and returns what it returned. With `drop_privileges` and
// when running as root, the child first becomes nobody (65534): root ignores file
// permissions, so "unwritable directory" cases can only be tested as someone else.
std::string run_in_child(const std::function<std::string()>& fn, bool drop_privileges);

// Whole file, or "<unreadable>".
inline std::string slurp(const std::string& path) {
  return bc::test::file_text(path, "<unreadable>");
}

// Creates `path` with `content` (plain write, not atomic) and `mode`.
void write_plain(const std::string& path, const std::string& content, int mode = 0644);

}  // namespace bc::sup::testing
