#include "shell/lock_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <thread>

#include "shell/interrupt.h"

namespace bc::shell {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// How often a waiter retries. flock has no timed wait; a short poll is the simple way to
// honour a deadline without a helper thread or signals.
constexpr milliseconds kRetry{25};
// A holder writes who it is right after taking the lock; a waiter that finds the file
// still empty looks again for this long before it says "held by another process".
constexpr milliseconds kPidGrace{200};

std::string errno_text() {
  return std::strerror(errno);
}

int open_lock(const std::string& path) {
  return open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
}

LockFile::Holder read_holder(int fd) {
  char buf[512] = {};
  const ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
  LockFile::Holder h;
  if (n <= 0) return h;
  char* end = nullptr;
  h.pid = static_cast<pid_t>(std::strtol(buf, &end, 10));
  if (end != nullptr && *end == '\n') {
    h.since = std::strtoll(end + 1, &end, 10);
    if (end != nullptr && *end == '\n') {
      h.command = end + 1;
      if (auto nl = h.command.find('\n'); nl != std::string::npos) h.command.resize(nl);
    }
  }
  return h;
}

// The file at `path` is still the one `fd` has open (not replaced by a takeover).
bool same_file(const std::string& path, int fd) {
  struct stat a {};
  struct stat b {};
  return stat(path.c_str(), &a) == 0 && fstat(fd, &b) == 0 && a.st_ino == b.st_ino &&
         a.st_dev == b.st_dev;
}

bool is_stopped(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto paren = text.rfind(')');  // the name may hold spaces and parentheses
  if (paren == std::string::npos || paren + 2 >= text.size()) return false;
  const char state = text[paren + 2];
  return state == 'T' || state == 't';
}

Status write_holder(int fd, const std::string& path, std::string_view command) {
  const std::string text = std::to_string(getpid()) + "\n" + std::to_string(std::time(nullptr)) +
                           "\n" + std::string(command) + "\n";
  if (ftruncate(fd, 0) != 0 || pwrite(fd, text.data(), text.size(), 0) < 0) {
    return Status::io_error("cannot write lock file " + path + ": " + errno_text());
  }
  return Status::ok();
}

// A new, locked file renamed over `path`: the stopped holder keeps its lock on the old
// inode (`stale`, the file the waiter found held), which no one looks at any more. Waiters
// that take over at once are serialised by a lock on the directory, and each replaces only
// the file it found held, so one of them wins. -1 when this one did not.
int take_over(const std::string& path, int stale, std::string_view command) {
  const auto dir = std::filesystem::path(path).parent_path();
  const int dir_fd = open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) return -1;
  int fd = -1;
  if (flock(dir_fd, LOCK_EX | LOCK_NB) == 0 && same_file(path, stale)) {
    const std::string fresh = path + "." + std::to_string(getpid());
    fd = open(fresh.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0 &&
        (flock(fd, LOCK_EX | LOCK_NB) != 0 || !write_holder(fd, fresh, command).is_ok() ||
         rename(fresh.c_str(), path.c_str()) != 0)) {
      (void)unlink(fresh.c_str());
      close(fd);
      fd = -1;
    }
  }
  close(dir_fd);  // releases the directory's lock
  return fd;
}

}  // namespace

std::string LockFile::describe(const Holder& h) {
  if (h.pid <= 0) return "held by another process";
  std::string text = "held by pid " + std::to_string(h.pid);
  if (h.since > 0) {
    char when[16] = "?";
    const std::time_t t = h.since;
    std::tm tm{};
    if (localtime_r(&t, &tm) != nullptr) std::strftime(when, sizeof when, "%H:%M:%S", &tm);
    text += " (" + (h.command.empty() ? std::string() : h.command + ", ") + "since " + when + ")";
  }
  return text;
}

Result<LockFile> LockFile::acquire(const std::string& path, milliseconds timeout,
                                   const Notice& notice, std::string_view command) {
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  int fd = open_lock(path);
  if (fd < 0) return Status::io_error("cannot open lock file " + path + ": " + errno_text());
  const auto start = Clock::now();
  const auto deadline = start + timeout;
  bool noticed = false;
  for (;;) {
    if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
      if (same_file(path, fd)) break;
      close(fd);  // a takeover replaced the file meanwhile: lock the new one
      fd = open_lock(path);
      if (fd < 0) return Status::io_error("cannot open lock file " + path + ": " + errno_text());
      continue;
    }
    if (errno != EWOULDBLOCK && errno != EINTR) {
      const Status s = Status::io_error("cannot lock " + path + ": " + errno_text());
      close(fd);
      return s;
    }
    const Holder h = read_holder(fd);
    const auto now = Clock::now();
    if (!noticed && notice && (h.pid > 0 || now - start >= kPidGrace || now >= deadline)) {
      notice("waiting for lock " + path + " " + describe(h));
      noticed = true;
    }
    if (now >= deadline) {
      if (h.pid > 0 && timeout.count() > 0 && is_stopped(h.pid)) {
        if (const int taken = take_over(path, fd, command); taken >= 0) {
          close(fd);
          if (notice) {
            notice("lock " + path + " was " + describe(h) +
                   ", a process stopped past the deadline: taken over");
          }
          return LockFile(path, taken);
        }
        // Another waiter took it over first: its file is the lock now.
        std::this_thread::sleep_for(kRetry);
        if (!same_file(path, fd)) {
          close(fd);
          fd = open_lock(path);
          if (fd < 0)
            return Status::io_error("cannot open lock file " + path + ": " + errno_text());
        }
        continue;
      }
      close(fd);
      char secs[32];
      std::snprintf(secs, sizeof secs, "%.1f", std::chrono::duration<double>(timeout).count());
      return Status(ErrorCode::kBusy,
                    "lock " + path + " is " + describe(h) + "; gave up after " + secs + " s");
    }
    if (interrupted()) {  // Ctrl-C: the user gave up waiting
      close(fd);
      return Status(ErrorCode::kCancelled,
                    "stopped waiting for lock " + path + " (Ctrl-C); it is " + describe(h));
    }
    std::this_thread::sleep_for(std::min<Clock::duration>(kRetry, deadline - now));
    if (!same_file(path, fd)) {  // taken over by another waiter: wait on the new file
      close(fd);
      fd = open_lock(path);
      if (fd < 0) return Status::io_error("cannot open lock file " + path + ": " + errno_text());
    }
  }
  if (Status s = write_holder(fd, path, command); !s.is_ok()) {
    close(fd);  // releases the flock
    return s;
  }
  return LockFile(path, fd);
}

LockFile::Holder LockFile::holder(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  Holder h;
  if (flock(fd, LOCK_SH | LOCK_NB) != 0) h = read_holder(fd);  // held: what it says is current
  close(fd);                                                   // (a shared lock we got goes)
  return h;
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
