#pragma once
// The cluster-wide lock (`LockFile` of cluster.cfg) for operations that must not run twice
// at once — install, deploy. An flock on the file, so the kernel releases it when its
// holder dies (no stale locks); the holder's pid is written inside so that a waiter can
// say who it waits for. A waiter gives up at a deadline: a hung command can delay
// others, never block them for ever.
//
// start/stop/restart do not take it: each supervisor serialises the lifecycle of its own
// nodes, so two shells starting one node start it once (docs/DECISIONS.md).
// Owned by one thread; move-only.

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace bc::shell {

class LockFile {
 public:
  // Called once, when the lock is found held: "waiting for lock <path> held by pid N".
  using Notice = std::function<void(std::string_view)>;

  // Takes the lock on `path` (created with its parent directories if missing), waiting up
  // to `timeout` while another process holds it. kBusy naming the holder's pid when the
  // deadline passes; kIo when the file cannot be opened. A zero timeout tries once.
  static Result<LockFile> acquire(const std::string& path, std::chrono::milliseconds timeout,
                                  const Notice& notice = {});

  // The pid written in the lock file while some process holds it; 0 when it is free or
  // the pid is not known (yet).
  static pid_t holder(const std::string& path);

  LockFile(LockFile&& other) noexcept;
  LockFile& operator=(LockFile&& other) noexcept;
  LockFile(const LockFile&) = delete;
  LockFile& operator=(const LockFile&) = delete;
  // Releases the lock (empties the file first, so no stale pid is left to read).
  ~LockFile();

  const std::string& path() const { return path_; }

 private:
  LockFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  void release();

  std::string path_;
  int fd_ = -1;
};

}  // namespace bc::shell
