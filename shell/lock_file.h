#pragma once
// The cluster-wide lock (`LockFile` of cluster.cfg) for the commands that change the
// cluster: install, deploy, start, stop, restart, update, cleanup (Shell takes it around
// each, docs/DECISIONS.md). An flock on the file, so the kernel releases it when its holder
// dies (no stale locks); the holder writes its pid, the time and its command inside, so
// that a waiter can say who it waits for. A waiter gives up at a deadline: a hung command
// can delay others, never block them for ever. A holder that is stopped (SIGSTOP, Ctrl-Z)
// when the deadline passes loses the lock: the waiter puts a new lock file in its place.
// Owned by one thread; move-only.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace bc::shell {

class LockFile {
 public:
  // Called once when the lock is found held ("waiting for lock <path> held by ..."), and
  // once more when a stopped holder's lock is taken over.
  using Notice = std::function<void(std::string_view)>;

  // Who holds a lock, as its holder wrote it; pid 0 when free or not known (yet).
  struct Holder {
    pid_t pid = 0;
    std::int64_t since = 0;  // seconds since the epoch; 0: not written
    std::string command;
  };

  // Takes the lock on `path` (created with its parent directories if missing) for
  // `command`, waiting up to `timeout` while another process holds it. kBusy naming the
  // holder when the deadline passes; kIo when the file cannot be opened. A zero timeout
  // tries once.
  static Result<LockFile> acquire(const std::string& path, std::chrono::milliseconds timeout,
                                  const Notice& notice = {}, std::string_view command = {});

  static Holder holder(const std::string& path);
  // "held by pid 4711 (deploy, since 20:41:07)", or "held by another process".
  static std::string describe(const Holder& holder);

  LockFile(LockFile&& other) noexcept;
  LockFile& operator=(LockFile&& other) noexcept;
  LockFile(const LockFile&) = delete;
  LockFile& operator=(const LockFile&) = delete;
  // Releases the lock (empties the file first, so no stale holder is left to read).
  ~LockFile();

  const std::string& path() const { return path_; }

 private:
  LockFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  void release();

  std::string path_;
  int fd_ = -1;
};

}  // namespace bc::shell
