#include "test_support.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace bc::sup::testing {
namespace fs = std::filesystem;

ChildGuard::~ChildGuard() {
  if (pidfd_ >= 0) ::close(pidfd_);
  if (pid_ <= 0) return;
  ::kill(-pid_, SIGKILL);  // its process group, when it leads one
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
}

namespace {

int pidfd_for(pid_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  return -1;
#endif
}

bool exited_unreaped_now(pid_t pid) {
  siginfo_t info{};
  if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
    return false;
  }
  return info.si_pid == pid;
}

}  // namespace

bool wait_exited_unreaped(pid_t pid, milliseconds timeout) {
  const int pidfd = pidfd_for(pid);
  if (pidfd >= 0) {
    // A pidfd turns readable when the process exits, before it is reaped.
    pollfd p{pidfd, POLLIN, 0};
    const int rc = ::poll(&p, 1, static_cast<int>(timeout.count()));
    ::close(pidfd);
    return rc == 1 && exited_unreaped_now(pid);
  }
  return wait_for([pid] { return exited_unreaped_now(pid); }, timeout);
}

std::optional<ExitInfo> wait_exit(pid_t pid, milliseconds timeout) {
  if (!wait_exited_unreaped(pid, timeout)) return std::nullopt;
  return reap_child(pid, /*block=*/false);
}

std::string run_in_child(const std::function<std::string()>& fn, bool drop_privileges) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return "<pipe failed>";
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    std::string out;
    if (drop_privileges && ::geteuid() == 0 &&
        (::setgroups(0, nullptr) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0)) {
      out = "<cannot drop privileges>";
    } else {
      out = fn();
    }
    std::size_t off = 0;
    while (off < out.size()) {
      const ssize_t n = ::write(fds[1], out.data() + off, out.size() - off);
      if (n <= 0) break;
      off += static_cast<std::size_t>(n);
    }
    ::_exit(0);  // no atexit handlers, no gtest teardown in the child
  }
  ::close(fds[1]);
  std::string result;
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof(buf))) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    result.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  if (pid > 0) ::waitpid(pid, nullptr, 0);
  return pid > 0 ? result : "<fork failed>";
}

void write_plain(const std::string& path, const std::string& content, int mode) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
  ::chmod(path.c_str(), static_cast<mode_t>(mode));
}

}  // namespace bc::sup::testing
