#include "supervisor/spawner.h"

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <optional>

#include "common/dir_fd.h"
#include "common/exec_path.h"
#include "common/file_util.h"
#include "common/os_error.h"
#include "supervisor/proc_reader.h"
#include "supervisor/reaper.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

namespace bc::sup {
namespace {

// Where the child failed; travels through the error pipe together with errno.
enum class Stage : int { kSetsid, kStdio, kAffinity, kMemLimit, kCoreLimit, kChdir, kExec };

struct ChildError {
  Stage stage;
  int err;
};

constexpr int kMaxCpu = 8192;
constexpr char kDefaultPath[] = "/usr/local/bin:/usr/bin:/bin";

// Everything the child needs, built before fork: between fork and exec the child may
// only make async-signal-safe calls (no malloc, no locks — another thread of the
// supervisor, ZeroMQ's included, may have held them at the moment of the fork).
class ChildPlan {
 public:
  ChildPlan() = default;
  ChildPlan(const ChildPlan&) = delete;
  ChildPlan& operator=(const ChildPlan&) = delete;
  ~ChildPlan();

  Status prepare(const SpawnSpec& spec);
  [[noreturn]] void run_child() const;
  // Parent side after fork: closes the write end and reads the child's verdict.
  std::optional<ChildError> await_exec();
  const std::string& program() const { return program_; }

 private:
  Status resolve_program(const SpawnSpec& spec);
  Status open_cwd(const SpawnSpec& spec);
  int open_log(const std::string& path) const;
  Status open_stdio(const SpawnSpec& spec);
  Status prepare_cpus(const std::vector<int>& cpus);
  void prepare_limits(const SpawnSpec& spec);
  [[noreturn]] void fail(Stage stage) const;
  void reset_signals() const;
  void close_other_fds() const;

  std::string program_;
  DirFd cwd_;
  std::vector<char*> argv_;
  std::vector<char*> envp_;
  int stdio_[3] = {-1, -1, -1};
  int notify_ = -1;  // becomes fd 3 in the child
  int pipe_read_ = -1;
  int pipe_write_ = -1;
  cpu_set_t* cpus_ = nullptr;
  std::size_t cpus_size_ = 0;
  bool set_mem_limit_ = false;
  rlimit mem_limit_{};
  rlimit core_limit_{};
  int max_fd_ = 0;
};

// Moves `fd` to a number >= 4 (close-on-exec) so that the child's dup2 onto 0..3 (stdio
// and the readiness fd) can never overwrite it, even if the supervisor was started with
// stdio closed.
int above_stdio(int fd) {
  if (fd < 0 || fd > 3) return fd;
  const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 4);
  const int err = errno;
  ::close(fd);
  errno = err;
  return moved;
}

Status log_open_status(const std::string& path, int err) {
  if (err == ELOOP) return symlink_refused("log file", path);
  return io_status("cannot open log file " + quoted(path), err);
}

std::string env_path(const std::vector<std::string>& env) {
  for (const auto& kv : env) {
    if (kv.rfind("PATH=", 0) == 0) return kv.substr(5);
  }
  return kDefaultPath;
}

std::string cpu_list(const std::vector<int>& cpus) {
  std::string s;
  for (int c : cpus)
    s += (s.empty() ? "" : ",") + std::to_string(c);
  return s;
}

}  // namespace

ChildPlan::~ChildPlan() {
  for (int fd : {stdio_[0], stdio_[1], stdio_[2], notify_, pipe_read_, pipe_write_}) {
    if (fd >= 0) ::close(fd);
  }
  if (cpus_ != nullptr) CPU_FREE(cpus_);
}

Status ChildPlan::prepare(const SpawnSpec& spec) {
  if (spec.program.empty()) return Status::invalid_argument("no program to execute");
  if (spec.argv.empty()) return Status::invalid_argument("argv must hold at least argv[0]");
  if (spec.cwd.empty()) return Status::invalid_argument("no working directory given");
  for (const auto& s : spec.argv)
    argv_.push_back(const_cast<char*>(s.c_str()));
  argv_.push_back(nullptr);
  for (const auto& kv : spec.env) {
    if (kv.find('=') == std::string::npos) {
      return Status::invalid_argument("environment entry " + quoted(kv) + " has no '='");
    }
    envp_.push_back(const_cast<char*>(kv.c_str()));
  }
  envp_.push_back(nullptr);
  if (Status s = open_cwd(spec); !s) return s;
  if (Status s = resolve_program(spec); !s) return s;
  if (Status s = prepare_cpus(spec.cpus); !s) return s;
  prepare_limits(spec);
  if (Status s = open_stdio(spec); !s) return s;
  if (spec.notify_fd >= 0) {
    notify_ = ::fcntl(spec.notify_fd, F_DUPFD_CLOEXEC, 4);
    if (notify_ < 0) return io_status("cannot pass the readiness pipe", errno);
  }
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return io_status("cannot create pipe", errno);
  pipe_read_ = above_stdio(fds[0]);
  pipe_write_ = above_stdio(fds[1]);
  if (pipe_read_ < 0 || pipe_write_ < 0) return io_status("cannot create pipe", errno);
  return Status::ok();
}

Status ChildPlan::resolve_program(const SpawnSpec& spec) {
  program_ = find_program(spec.program, spec.env);
  if (!program_.empty()) return Status::ok();
  return io_status("cannot execute " + quoted(spec.program), ENOENT);
}

Status ChildPlan::open_cwd(const SpawnSpec& spec) {
  // Above 3, like every fd the child keeps until exec: its dup2s onto 0..3 come first.
  if (spec.cwd_fd >= 0) {
    // The caller's walk to it (dir_fd.h) is what makes it safe: neither created nor
    // looked up again by path here.
    cwd_ = DirFd(::fcntl(spec.cwd_fd, F_DUPFD_CLOEXEC, 4), spec.cwd);
    if (!cwd_.is_open()) return io_status("cannot open directory " + quoted(spec.cwd), errno);
    if (::faccessat(cwd_.get(), ".", W_OK | X_OK, 0) != 0) {
      return io_status("directory " + quoted(spec.cwd) + " is not writable", errno);
    }
    return Status::ok();
  }
  if (Status s = ensure_dir(spec.cwd); !s) return s;
  auto dir = open_dir_nofollow(spec.cwd, "");
  if (!dir.is_ok()) return dir.status();
  cwd_ = DirFd(::fcntl(dir->get(), F_DUPFD_CLOEXEC, 4), spec.cwd);
  if (!cwd_.is_open()) return io_status("cannot open directory " + quoted(spec.cwd), errno);
  return Status::ok();
}

// Never through a symlink: the node's dir is the node's to fill, and a link planted there
// would have the supervisor write (and later mail the tail of) any file it can open. A
// bare name is opened in the working dir as the spawner holds it, not by path.
int ChildPlan::open_log(const std::string& path) const {
  if (path.empty()) return above_stdio(::open("/dev/null", O_WRONLY | O_CLOEXEC));
  const int dir = path.front() == '/' ? AT_FDCWD : cwd_.get();
  return above_stdio(
      ::openat(dir, path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0640));
}

std::string find_program(const std::string& program, const std::vector<std::string>& env) {
  return find_in_path(program, env_path(env)).value_or("");
}

Status ChildPlan::open_stdio(const SpawnSpec& spec) {
  stdio_[0] = above_stdio(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (stdio_[0] < 0) return io_status("cannot open '/dev/null'", errno);
  for (auto [fd, path] : {std::pair{1, &spec.stdout_path}, {2, &spec.stderr_path}}) {
    if (!path->empty() && path->front() != '/' && !is_single_component(*path)) {
      return Status::invalid_argument("log file " + quoted(*path) +
                                      " is neither absolute nor a name in the working dir");
    }
    stdio_[fd] = open_log(*path);
    if (stdio_[fd] < 0) {
      const int err = errno;
      return log_open_status(path->empty() || path->front() == '/' ? *path : cwd_.path_of(*path),
                             err);
    }
  }
  return Status::ok();
}

Status ChildPlan::prepare_cpus(const std::vector<int>& cpus) {
  if (cpus.empty()) return Status::ok();
  for (int c : cpus) {
    if (c < 0 || c >= kMaxCpu) {
      return Status::invalid_argument("cpu number " + std::to_string(c) + " out of range");
    }
  }
  cpus_ = CPU_ALLOC(kMaxCpu);
  if (cpus_ == nullptr) return io_status("cannot allocate cpu set", ENOMEM);
  cpus_size_ = CPU_ALLOC_SIZE(kMaxCpu);
  CPU_ZERO_S(cpus_size_, cpus_);
  for (int c : cpus)
    CPU_SET_S(static_cast<std::size_t>(c), cpus_size_, cpus_);
  return Status::ok();
}

void ChildPlan::prepare_limits(const SpawnSpec& spec) {
  // Only soft limits move; the hard limits stay as the supervisor's (raising a hard
  // limit needs CAP_SYS_RESOURCE, and lowering one would be irreversible for the node).
  rlimit mem{};
  ::getrlimit(RLIMIT_AS, &mem);
  set_mem_limit_ = spec.mem_limit_bytes > 0;
  mem_limit_ = {static_cast<rlim_t>(spec.mem_limit_bytes), mem.rlim_max};
  ::getrlimit(RLIMIT_CORE, &core_limit_);
  core_limit_.rlim_cur = spec.core_dumps ? core_limit_.rlim_max : 0;
  rlimit files{};
  ::getrlimit(RLIMIT_NOFILE, &files);
  max_fd_ = files.rlim_cur == RLIM_INFINITY || files.rlim_cur > (1U << 20)
                ? (1 << 20)
                : static_cast<int>(files.rlim_cur);
}

// ---- child side: async-signal-safe calls only ----

void ChildPlan::fail(Stage stage) const {
  const ChildError e{stage, errno};
  // If even this write fails the parent sees EOF and a child that exits with 127.
  [[maybe_unused]] ssize_t n = ::write(pipe_write_, &e, sizeof(e));
  ::_exit(127);
}

void ChildPlan::reset_signals() const {
  // Ignored signals stay ignored across exec (SIGPIPE would), and the blocked mask is
  // inherited (SIGCHLD/SIGTERM are blocked for our signalfd): give the node a clean slate.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) ::sigaction(sig, &dfl, nullptr);
  }
  sigset_t empty;
  sigemptyset(&empty);
  ::sigprocmask(SIG_SETMASK, &empty, nullptr);
}

void ChildPlan::close_other_fds() const {
  // Marking everything above stdio close-on-exec keeps the error pipe usable until the
  // exec itself. Kernels before 5.11 lack the flag: close one by one, sparing the pipe.
  const unsigned first = notify_ >= 0 ? 4U : 3U;
#ifdef SYS_close_range
  if (::syscall(SYS_close_range, first, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
#endif
  for (int fd = static_cast<int>(first); fd < max_fd_; ++fd) {
    if (fd != pipe_write_) ::close(fd);
  }
}

void ChildPlan::run_child() const {
  if (::setsid() < 0) fail(Stage::kSetsid);
  for (int fd = 0; fd < 3; ++fd) {
    if (::dup2(stdio_[fd], fd) < 0) fail(Stage::kStdio);
  }
  if (notify_ >= 0 && ::dup2(notify_, 3) < 0) fail(Stage::kStdio);
  if (cpus_ != nullptr && ::sched_setaffinity(0, cpus_size_, cpus_) != 0) fail(Stage::kAffinity);
  if (set_mem_limit_ && ::setrlimit(RLIMIT_AS, &mem_limit_) != 0) fail(Stage::kMemLimit);
  if (::setrlimit(RLIMIT_CORE, &core_limit_) != 0) fail(Stage::kCoreLimit);
  if (::fchdir(cwd_.get()) != 0) fail(Stage::kChdir);
  close_other_fds();
  reset_signals();
  ::execve(program_.c_str(), argv_.data(), envp_.data());
  fail(Stage::kExec);
}

// ---- parent side ----

std::optional<ChildError> ChildPlan::await_exec() {
  ::close(pipe_write_);
  pipe_write_ = -1;
  ChildError e{};
  for (;;) {
    const ssize_t n = ::read(pipe_read_, &e, sizeof(e));
    if (n < 0 && errno == EINTR) continue;
    // EOF: the pipe closed on a successful exec.
    if (n == static_cast<ssize_t>(sizeof(e))) return e;
    return std::nullopt;
  }
}

namespace {

Status child_error_status(const SpawnSpec& spec, const std::string& program, ChildError e) {
  const std::string prog = quoted(program);
  switch (e.stage) {
    case Stage::kSetsid:
      return io_status("cannot start a new session for " + prog, e.err);
    case Stage::kStdio:
      return io_status("cannot redirect the output of " + prog, e.err);
    case Stage::kAffinity:
      return io_status("cannot pin " + prog + " to cpus " + cpu_list(spec.cpus), e.err);
    case Stage::kMemLimit:
      return io_status("cannot limit the memory of " + prog + " to " +
                           std::to_string(spec.mem_limit_bytes) + " bytes",
                       e.err);
    case Stage::kCoreLimit:
      return io_status("cannot set the core dump limit of " + prog, e.err);
    case Stage::kChdir:
      return io_status("cannot change to directory " + quoted(spec.cwd), e.err);
    case Stage::kExec:
      break;
  }
  return io_status("cannot execute " + prog, e.err);
}

int open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  const long fd = ::syscall(SYS_pidfd_open, pid, 0);
  return fd < 0 ? -1 : static_cast<int>(fd);
#else
  (void)pid;
  return -1;
#endif
}

}  // namespace

Result<SpawnedProcess> PosixSpawner::spawn(const SpawnSpec& spec) {
  ChildPlan plan;
  if (Status s = plan.prepare(spec); !s) return s;
  // vfork, not fork: the supervisor is suspended only until the child has exec'd, on the
  // CPU it was using, and no page tables are copied. With fork a start of 100 nodes spent
  // most of its time waiting for each child to be scheduled so that its exec could report
  // back (docs/PERFORMANCE.md). The child shares our memory until the exec, which is why
  // everything it touches was prepared above and it makes async-signal-safe calls only.
  // All signals stay blocked across the call so that no handler (a library's) ever runs in
  // the child on our memory; the child sets its own mask before the exec.
  sigset_t all;
  sigset_t previous;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &previous);
  const pid_t pid = ::vfork();
  if (pid == 0) plan.run_child();
  const int fork_errno = errno;
  ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  if (pid < 0) return io_status("cannot fork to run " + quoted(plan.program()), fork_errno);
  // The child has exec'd or failed by now: the pipe holds its verdict or is closed.
  if (auto failure = plan.await_exec()) {
    reap_child(pid, /*block=*/true);  // it has _exit'ed already; leave no zombie
    return child_error_status(spec, plan.program(), *failure);
  }
  SpawnedProcess out;
  out.pid = pid;
  out.pidfd = open_pidfd(pid);
  // The start time is fixed at fork, so even a child that already exited (a zombie until
  // we reap it) still reports it.
  if (auto st = ProcReader().read_proc_stat(pid)) out.start_ticks = st->start_ticks;
  return out;
}

}  // namespace bc::sup
