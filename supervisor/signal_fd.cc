#include "supervisor/signal_fd.h"

#include <pthread.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>

#include "common/os_error.h"

namespace bc::sup {

sigset_t SignalFd::handled_signals() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGCHLD, SIGTERM, SIGINT, SIGHUP})
    sigaddset(&set, sig);
  return set;
}

Result<SignalFd> SignalFd::open() {
  const sigset_t set = handled_signals();
  sigset_t old_mask;
  if (int err = ::pthread_sigmask(SIG_BLOCK, &set, &old_mask); err != 0) {
    return io_status("cannot block signals", err);
  }
  const int fd = ::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
    return io_status("cannot create signalfd", err);
  }
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  struct sigaction old_pipe {};
  ::sigaction(SIGPIPE, &ignore, &old_pipe);
  return SignalFd(fd, old_mask, old_pipe);
}

SignalFd::SignalFd(int fd, const sigset_t& old_mask, const struct sigaction& old_pipe)
    : fd_(fd), old_mask_(old_mask), old_pipe_(old_pipe) {}

SignalFd::SignalFd(SignalFd&& other) noexcept
    : fd_(other.fd_), old_mask_(other.old_mask_), old_pipe_(other.old_pipe_) {
  other.fd_ = -1;
}

SignalFd& SignalFd::operator=(SignalFd&& other) noexcept {
  if (this != &other) {
    release();
    fd_ = other.fd_;
    old_mask_ = other.old_mask_;
    old_pipe_ = other.old_pipe_;
    other.fd_ = -1;
  }
  return *this;
}

SignalFd::~SignalFd() {
  release();
}

void SignalFd::release() {
  if (fd_ < 0) return;
  ::close(fd_);
  fd_ = -1;
  ::sigaction(SIGPIPE, &old_pipe_, nullptr);
  ::pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
}

std::vector<int> SignalFd::drain() {
  std::vector<int> out;
  signalfd_siginfo info[16];
  for (;;) {
    const ssize_t n = ::read(fd_, info, sizeof(info));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return out;  // EAGAIN: nothing left
    const auto count = static_cast<std::size_t>(n) / sizeof(signalfd_siginfo);
    for (std::size_t i = 0; i < count; ++i)
      out.push_back(static_cast<int>(info[i].ssi_signo));
  }
}

}  // namespace bc::sup
