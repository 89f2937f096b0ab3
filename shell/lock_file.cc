#include "shell/lock_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

namespace bc::shell {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// How often a waiter retries. flock has no timed wait; a short poll is the simple way to
// honour a deadline without a helper thread or signals.
constexpr milliseconds kRetry{25};
// A holder writes its pid right after taking the lock; a waiter that finds the file still
// empty looks again for this long before it says "held by another process".
constexpr milliseconds kPidGrace{200};

std::string errno_text() {
  return std::strerror(errno);
}

pid_t read_pid(int fd) {
  char buf[32] = {};
  const ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return 0;
  return static_cast<pid_t>(std::strtol(buf, nullptr, 10));
}

std::string held_by(pid_t pid) {
  return pid > 0 ? "held by pid " + std::to_string(pid) : "held by another process";
}

}  // namespace

Result<LockFile> LockFile::acquire(const std::string& path, milliseconds timeout,
                                   const Notice& notice) {
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::io_error("cannot open lock file " + path + ": " + errno_text());
  const auto start = Clock::now();
  const auto deadline = start + timeout;
  bool noticed = false;
  while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      const Status s = Status::io_error("cannot lock " + path + ": " + errno_text());
      close(fd);
      return s;
    }
    const pid_t pid = read_pid(fd);
    const auto now = Clock::now();
    if (!noticed && notice && (pid > 0 || now - start >= kPidGrace || now >= deadline)) {
      notice("waiting for lock " + path + " " + held_by(pid));
      noticed = true;
    }
    if (now >= deadline) {
      close(fd);
      char secs[32];
      std::snprintf(secs, sizeof secs, "%.1f", std::chrono::duration<double>(timeout).count());
      return Status(ErrorCode::kBusy,
                    "lock " + path + " is " + held_by(pid) + "; gave up after " + secs + " s");
    }
    std::this_thread::sleep_for(std::min<Clock::duration>(kRetry, deadline - now));
  }
  const std::string pid = std::to_string(getpid()) + "\n";
  if (ftruncate(fd, 0) != 0 || pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    const Status s = Status::io_error("cannot write lock file " + path + ": " + errno_text());
    close(fd);  // releases the flock
    return s;
  }
  return LockFile(path, fd);
}

pid_t LockFile::holder(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  pid_t pid = 0;
  if (flock(fd, LOCK_SH | LOCK_NB) != 0) pid = read_pid(fd);  // held: the pid is current
  close(fd);                                                  // (a shared lock we got goes)
  return pid;
}

LockFile::LockFile(LockFile&& other) noexcept : path_(std::move(other.path_)), fd_(other.fd_) {
  other.fd_ = -1;
}

LockFile& LockFile::operator=(LockFile&& other) noexcept {
  if (this != &other) {
    release();
    path_ = std::move(other.path_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

LockFile::~LockFile() {
  release();
}

void LockFile::release() {
  if (fd_ < 0) return;
  // Not unlinked: a waiter may hold the same inode open, and a new file would let a third
  // process lock a different inode at the same time.
  (void)ftruncate(fd_, 0);
  close(fd_);
  fd_ = -1;
}

}  // namespace bc::shell
