#pragma once
// ProgramJobs: programs the collector runs on the side (the TraceSummary program), without
// blocking its event loop. Each runs in its own process group with stdin on /dev/null and
// stdout+stderr into a pipe the collector drains; poll() (called from the event loop every
// ~100 ms) collects output, reaps finished children by their own pid (never waitpid(-1),
// which would steal the mailer's children) and kills a job at its deadline. Owned by the
// event loop; thread-compatible. The destructor kills and reaps what still runs.

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace bc::collector {

struct ProgramResult {
  int exit_code = -1;  // -1 when it died of a signal or timed out
  bool timed_out = false;
  std::string output;  // stdout and stderr, at most kMaxOutput bytes
};

class ProgramJobs {
 public:
  static constexpr std::size_t kMaxOutput = 1 << 20;
  using Done = std::function<void(const ProgramResult&)>;

  explicit ProgramJobs(const Clock& clock) : clock_(clock) {}
  ~ProgramJobs();
  ProgramJobs(const ProgramJobs&) = delete;
  ProgramJobs& operator=(const ProgramJobs&) = delete;

  // Starts argv[0] (a path, or a name looked up in PATH). An error names the program when
  // it cannot be started; `done` runs from a later poll().
  Status start(const std::vector<std::string>& argv, std::chrono::milliseconds timeout, Done done);
  void poll();
  std::size_t running() const { return jobs_.size(); }

 private:
  struct Job {
    pid_t pid;
    int out_fd;
    std::chrono::steady_clock::time_point deadline;
    ProgramResult result;
    Done done;
  };
  void drain(Job& job);

  const Clock& clock_;
  std::vector<Job> jobs_;
};

}  // namespace bc::collector
