#include "shell/local_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "shell/interrupt.h"

extern char** environ;

namespace bc::shell {
namespace {

// The child's environment, built before fork: after fork only async-signal-safe calls
// are allowed, and the shell has ZeroMQ threads.
std::vector<std::string> child_environment(const LocalProcessOptions& options) {
  auto overridden = [&](std::string_view entry) {
    const std::string_view name = entry.substr(0, entry.find('='));
    if (std::find(options.unset_env.begin(), options.unset_env.end(), name) !=
        options.unset_env.end()) {
      return true;
    }
    return std::any_of(options.env.begin(), options.env.end(),
                       [&](const auto& kv) { return kv.first == name; });
  };
  std::vector<std::string> env;
  for (char** e = options.inherit_env ? environ : nullptr; e != nullptr && *e != nullptr; ++e) {
    if (!overridden(*e)) env.emplace_back(*e);
  }
  for (const auto& [name, value] : options.env)
    env.push_back(name + "=" + value);
  return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings)
    out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

void close_pipe(int p[2]) {
  for (int i = 0; i < 2; ++i) {
    if (p[i] >= 0) close(p[i]);
    p[i] = -1;
  }
}

Status os_error(const std::string& what) {
  return Status::io_error(what + ": " + std::strerror(errno));
}

// Reports the exec failure of the child (an errno) through a CLOEXEC pipe: a successful
// exec closes it without a byte, so the parent tells "could not run" from "ran and failed".
[[noreturn]] void exec_child(const std::vector<char*>& args, const std::vector<char*>& envp,
                             const std::string& cwd, int out_fd, int err_fd, int report_fd) {
  setpgid(0, 0);
  const int null_fd = open("/dev/null", O_RDONLY);
  if (null_fd >= 0) dup2(null_fd, 0);
  dup2(out_fd, 1);
  dup2(err_fd, 2);
  int err = 0;
  if (!cwd.empty() && chdir(cwd.c_str()) != 0) {
    err = errno;
  } else {
    // Signals the shell ignores or handles must not stay that way in the program.
    signal(SIGPIPE, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    execve(args[0], args.data(), envp.data());
    err = errno;
  }
  [[maybe_unused]] const ssize_t n = write(report_fd, &err, sizeof err);
  _exit(127);
}

}  // namespace

Result<LocalProcessResult> run_local_process(const std::vector<std::string>& argv,
                                             const LocalProcessOptions& options) {
  if (argv.empty()) return Status::invalid_argument("no program to run");
  std::vector<std::string> arg_strings = argv;
  std::vector<std::string> env_strings = child_environment(options);
  const std::vector<char*> args = pointers(arg_strings);
  const std::vector<char*> envp = pointers(env_strings);

  int out[2] = {-1, -1}, err[2] = {-1, -1}, report[2] = {-1, -1};
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0 || pipe2(report, O_CLOEXEC) != 0) {
    Status s = os_error("pipe");
    close_pipe(out);
    close_pipe(err);
    close_pipe(report);
    return s;
  }
  const pid_t pid = fork();
  if (pid < 0) {
    Status s = os_error("fork");
    close_pipe(out);
    close_pipe(err);
    close_pipe(report);
    return s;
  }
  if (pid == 0) exec_child(args, envp, options.cwd, out[1], err[1], report[1]);
  // Also here: closes the race with the child's own setpgid before we may kill(-pid).
  setpgid(pid, pid);
  close(out[1]);
  close(err[1]);
  close(report[1]);

  LocalProcessResult result;
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  bool timed_out = false, stopped = false;
  int fds[2] = {out[0], err[0]};
  std::string* sinks[2] = {&result.out, &result.err};
  while (fds[0] >= 0 || fds[1] >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    if (interrupted()) {
      stopped = true;
      break;
    }
    pollfd pfds[2] = {{fds[0], POLLIN, 0}, {fds[1], POLLIN, 0}};
    const int ready = poll(pfds, 2, static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (ready < 0 && errno != EINTR) break;
    for (int i = 0; i < 2 && ready > 0; ++i) {
      if (fds[i] < 0 || pfds[i].revents == 0) continue;
      char buf[16384];
      const ssize_t n = read(fds[i], buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        close(fds[i]);
        fds[i] = -1;
        continue;
      }
      const std::size_t room = options.max_output - std::min(options.max_output, sinks[i]->size());
      sinks[i]->append(buf, std::min(room, static_cast<std::size_t>(n)));
    }
  }
  if (timed_out || stopped) kill(-pid, SIGKILL);
  for (int fd : fds) {
    if (fd >= 0) close(fd);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  int exec_errno = 0;
  const ssize_t n = read(report[0], &exec_errno, sizeof exec_errno);
  close(report[0]);
  if (n == static_cast<ssize_t>(sizeof exec_errno)) {
    const std::string what = "cannot run " + argv[0] + ": " + std::strerror(exec_errno);
    return exec_errno == ENOENT ? Status::not_found(what) : Status::io_error(what);
  }
  if (timed_out) {
    return Status::timeout(argv[0] + " did not finish within " +
                           std::to_string(options.timeout.count() / 1000) + " s; killed it");
  }
  if (stopped) return Status(ErrorCode::kFailed, "interrupted; killed " + argv[0]);
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  }
  return result;
}

}  // namespace bc::shell
