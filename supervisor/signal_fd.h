#pragma once
// SignalFd: the supervisor's signals as a pollable file descriptor. Construction blocks
// SIGCHLD, SIGTERM, SIGINT and SIGHUP for the calling thread and opens a non-blocking,
// close-on-exec signalfd for them; SIGPIPE is ignored instead (a peer closing a socket
// must not kill the daemon, and nobody needs to hear about it).
//
// REQUIRES: created on the main thread before any other thread (ZeroMQ's I/O threads
// included) is started, so that every thread inherits the blocked mask and the signals
// can only be consumed through the fd. Owned by the event loop; move-only. Destruction
// closes the fd and restores the previous mask and SIGPIPE disposition; signals still
// pending then are delivered the ordinary way, so drain() first.

#include <signal.h>

#include <vector>

#include "common/status.h"

namespace bc::sup {

class SignalFd {
 public:
  static Result<SignalFd> open();

  SignalFd(SignalFd&& other) noexcept;
  SignalFd& operator=(SignalFd&& other) noexcept;
  SignalFd(const SignalFd&) = delete;
  SignalFd& operator=(const SignalFd&) = delete;
  ~SignalFd();

  // Readable (POLLIN) while signals are pending.
  int fd() const { return fd_; }
  // Reads every pending signal without blocking; returns their numbers in arrival order.
  // Standard signals coalesce: two SIGCHLDs may arrive as one, so SIGCHLD means "reap
  // until nothing is left", never "exactly one child exited".
  std::vector<int> drain();

  // The signals delivered through the fd.
  static sigset_t handled_signals();

 private:
  SignalFd(int fd, const sigset_t& old_mask, const struct sigaction& old_pipe);
  void release();

  int fd_ = -1;
  sigset_t old_mask_{};
  struct sigaction old_pipe_ {};
};

}  // namespace bc::sup
