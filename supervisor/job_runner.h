#pragma once
// Auxiliary processes of the supervisor that are not nodes: `exec` command lines and gdb
// backtraces of core files. Each runs in its own process group with its output in a file
// under the scratch dir, a deadline after which its group is killed, and a callback when
// it has been reaped. Nothing waits: completion arrives through the supervisor's SIGCHLD
// handling (on_exit). Owned by the event loop thread.

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "common/timer_queue.h"
#include "supervisor/reaper.h"
#include "supervisor/spawner.h"

namespace bc::sup {

struct JobResult {
  ExitInfo exit;
  bool timed_out = false;
  std::string output;  // stdout and stderr interleaved, at most max_output bytes
  bool truncated = false;
  bool cancelled = false;  // ended by cancel()
};

struct JobSpec {
  std::vector<std::string> argv;  // argv[0] is the program
  std::string cwd;
  std::vector<std::string> env;
  std::chrono::milliseconds timeout{60000};
  std::size_t max_output = 1 << 20;
  // Who may cancel() it (exec: the requester's connection and request id); empty: nobody.
  std::string owner;
};

class JobRunner {
 public:
  using Done = std::function<void(const JobResult&)>;

  JobRunner(Spawner& spawner, TimerQueue& timers, const Clock& clock, std::string scratch_dir);

  // Starts the job; `done` runs once it has exited (or been killed at its deadline).
  Status start(const JobSpec& spec, Done done);
  // Offers a reaped child; true (and the job's callback has run) when it was a job.
  bool on_exit(const ExitInfo& exit);
  std::size_t running() const { return jobs_.size(); }
  // Kills the process group of every job of `owner` (a non-empty JobSpec::owner); their
  // callbacks run when they are reaped, with `cancelled` set. How many there were.
  std::size_t cancel(const std::string& owner);
  // Kills every job's process group (supervisor shutdown).
  void kill_all();

 private:
  struct Job {
    std::string output_path;
    std::size_t max_output = 0;
    bool timed_out = false;
    bool cancelled = false;
    std::string owner;
    TimerQueue::TimerId timer = 0;
    Done done;
  };

  Spawner& spawner_;
  TimerQueue& timers_;
  const Clock& clock_;
  std::string scratch_dir_;
  std::uint64_t counter_ = 0;
  std::map<pid_t, Job> jobs_;
};

}  // namespace bc::sup
