#include "collector/program_job.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "common/os_error.h"

extern char** environ;

namespace bc::collector {
namespace {

ProgramResult exit_result(int status, ProgramResult r) {
  if (!r.timed_out && WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  return r;
}

}  // namespace

ProgramJobs::~ProgramJobs() {
  for (auto& job : jobs_) {
    ::kill(-job.pid, SIGKILL);
    int status = 0;
    while (::waitpid(job.pid, &status, 0) < 0 && errno == EINTR) {
    }
    ::close(job.out_fd);
  }
}

Status ProgramJobs::start(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                          Done done) {
  if (argv.empty() || argv[0].empty()) return Status::invalid_argument("no program to run");
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return io_status("cannot create a pipe", errno);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Its own process group, so that a deadline kills its children too; default signal
  // handling (the collector ignores SIGPIPE, which a child would inherit).
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGXFSZ);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF);
  std::vector<char*> args;
  for (const auto& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int err = ::posix_spawnp(&pid, argv[0].c_str(), &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(fds[1]);
  if (err != 0) {
    ::close(fds[0]);
    return io_status("cannot run " + quoted(argv[0]), err);
  }
  ::fcntl(fds[0], F_SETFL, O_NONBLOCK);
  jobs_.push_back(Job{pid, fds[0], clock_.now() + timeout, {}, std::move(done)});
  return Status::ok();
}

void ProgramJobs::drain(Job& job) {
  char buf[16384];
  for (;;) {
    const ssize_t n = ::read(job.out_fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // EAGAIN: more later; 0: the program closed its output
    const std::size_t room = kMaxOutput - std::min(kMaxOutput, job.result.output.size());
    job.result.output.append(buf, std::min(room, static_cast<std::size_t>(n)));
  }
}

void ProgramJobs::poll() {
  const auto now = clock_.now();
  for (std::size_t i = 0; i < jobs_.size();) {
    Job& job = jobs_[i];
    drain(job);
    if (now >= job.deadline && !job.result.timed_out) {
      job.result.timed_out = true;
      ::kill(-job.pid, SIGKILL);
    }
    int status = 0;
    if (::waitpid(job.pid, &status, WNOHANG) != job.pid) {
      ++i;
      continue;
    }
    drain(job);
    ::close(job.out_fd);
    Job finished = std::move(job);
    jobs_.erase(jobs_.begin() + static_cast<std::ptrdiff_t>(i));
    finished.done(exit_result(status, std::move(finished.result)));
  }
}

}  // namespace bc::collector
