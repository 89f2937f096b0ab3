#pragma once
// The spawn seam: how the supervisor turns a node into a process. Spawner is the
// interface the supervisor holds (tests substitute one that fails with ENOENT or hands
// back a child that exits at once); PosixSpawner is the real fork/exec.
//
// A spawned node lives in its own session and process group (so a signal to the group
// reaches the node's helpers, and a dying supervisor does not take the node with it),
// runs in `cwd` with stdout/stderr appended to log files, sees exactly `env` and none of
// the supervisor's file descriptors, starts with an empty signal mask and default
// signal dispositions, and carries its CPU pinning and resource limits from birth.
// Thread-compatible: call from the event loop thread; the call returns once the child has
// exec'd (or failed to) — the caller is suspended (vfork) for the exec itself, a fraction
// of a millisecond — and never waits for the node itself.

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace bc::sup {

struct SpawnSpec {
  // Path of the program. Without a '/', it is looked up in the PATH of `env` (or in
  // /usr/local/bin:/usr/bin:/bin when `env` has none), before forking.
  std::string program;
  std::vector<std::string> argv;  // argv[0] included; REQUIRES: not empty
  std::string cwd;                // created if missing; must be writable
  // When >= 0: cwd already open (the caller keeps it, and made it), so that cwd is neither
  // created nor looked up by path; cwd then only names it in messages.
  int cwd_fd = -1;
  std::vector<std::string> env;  // "K=V" entries: the WHOLE environment of the child
  // Opened O_APPEND|O_CREAT|O_NOFOLLOW, mode 0640 (a symlink is refused); an absolute path,
  // or a bare name of a file in the working dir (opened in it, not by path); empty:
  // /dev/null.
  std::string stdout_path;
  std::string stderr_path;
  std::vector<int> cpus;              // sched_setaffinity; empty: inherit
  std::uint64_t mem_limit_bytes = 0;  // RLIMIT_AS soft limit; 0: inherit
  bool core_dumps = true;             // RLIMIT_CORE soft limit raised to the hard limit
  // An fd of the caller that the child finds as fd 3 (the readiness pipe of
  // docs/NODE-PROGRAM.md); -1: the child has no fd 3. The caller keeps its own copy.
  int notify_fd = -1;
};

struct SpawnedProcess {
  pid_t pid = -1;
  int pidfd = -1;                 // owned by the caller; -1 when the kernel lacks pidfd_open
  std::uint64_t start_ticks = 0;  // field 22 of /proc/<pid>/stat; 0 if unreadable
};

// Where `program` is found as SpawnSpec.program is: as given when it holds a '/', else in
// the PATH of `env` (or the default path). Empty when no executable file is found.
std::string find_program(const std::string& program, const std::vector<std::string>& env);

class Spawner {
 public:
  virtual ~Spawner() = default;
  // Starts the process. On success the program has been exec'd (its own failures come
  // later, through SIGCHLD). On failure nothing is left behind (no child, no zombie) and
  // the Status says what went wrong: kInvalidArgument for a malformed spec, kIo for the
  // operating system refusing ("cannot execute '/x/y': No such file or directory").
  virtual Result<SpawnedProcess> spawn(const SpawnSpec& spec) = 0;
};

class PosixSpawner final : public Spawner {
 public:
  Result<SpawnedProcess> spawn(const SpawnSpec& spec) override;
};

}  // namespace bc::sup
