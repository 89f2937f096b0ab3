#include "supervisor/job_runner.h"

#include <signal.h>
#include <unistd.h>

#include <filesystem>

#include "common/file_util.h"

namespace bc::sup {

JobRunner::JobRunner(Spawner& spawner, TimerQueue& timers, const Clock& clock,
                     std::string scratch_dir)
    : spawner_(spawner), timers_(timers), clock_(clock), scratch_dir_(std::move(scratch_dir)) {}

Status JobRunner::start(const JobSpec& spec, Done done) {
  if (Status s = ensure_dir(scratch_dir_, 0700); !s.is_ok()) return s;
  SpawnSpec spawn;
  spawn.program = spec.argv.at(0);
  spawn.argv = spec.argv;
  spawn.cwd = spec.cwd;
  spawn.env = spec.env;
  spawn.stdout_path =
      scratch_dir_ + "/job-" + std::to_string(getpid()) + "-" + std::to_string(++counter_) + ".out";
  spawn.stderr_path = spawn.stdout_path;
  spawn.core_dumps = false;
  auto child = spawner_.spawn(spawn);
  if (!child.is_ok()) return child.status();
  if (child->pidfd >= 0) close(child->pidfd);  // jobs are our children: SIGCHLD suffices
  const pid_t pid = child->pid;
  Job job;
  job.output_path = spawn.stdout_path;
  job.max_output = spec.max_output;
  job.owner = spec.owner;
  job.done = std::move(done);
  job.timer = timers_.schedule(clock_.now() + spec.timeout, [this, pid] {
    auto it = jobs_.find(pid);
    if (it == jobs_.end()) return;
    it->second.timed_out = true;
    it->second.timer = 0;
    kill(-pid, SIGKILL);  // its own process group: the shell and everything it started
  });
  jobs_.emplace(pid, std::move(job));
  return Status::ok();
}

bool JobRunner::on_exit(const ExitInfo& exit) {
  auto it = jobs_.find(exit.pid);
  if (it == jobs_.end()) return false;
  Job job = std::move(it->second);
  jobs_.erase(it);
  timers_.cancel(job.timer);
  JobResult result;
  result.exit = exit;
  result.timed_out = job.timed_out;
  result.cancelled = job.cancelled;
  std::error_code ec;
  const auto size = std::filesystem::file_size(job.output_path, ec);
  if (!ec && size > job.max_output) {
    result.truncated = true;
    result.output = tail_file(job.output_path, job.max_output);
  } else if (auto text = read_file(job.output_path, job.max_output); text.is_ok()) {
    result.output = std::move(*text);
  }
  std::filesystem::remove(job.output_path, ec);
  job.done(result);
  return true;
}

std::size_t JobRunner::cancel(const std::string& owner) {
  std::size_t found = 0;
  if (owner.empty()) return found;
  for (auto& [pid, job] : jobs_) {
    if (job.owner != owner) continue;
    job.cancelled = true;
    kill(-pid, SIGKILL);  // as at the deadline: the shell and everything it started
    ++found;
  }
  return found;
}

void JobRunner::kill_all() {
  for (const auto& [pid, job] : jobs_)
    kill(-pid, SIGKILL);
}

}  // namespace bc::sup
