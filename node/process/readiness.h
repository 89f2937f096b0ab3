#pragma once
// How the node tells the world what state it is in: the readiness lines on the
// supervisor's pipe (CLUSTER_NOTIFY_FD, docs/NODE-PROGRAM.md "Readiness") and the
// `.status` file in the spool dir, which tools and people read without a socket.
// Owned by the node's event loop.

#include <string>
#include <string_view>

#include "common/status.h"

namespace bc::node {

enum class NodeState { kInitializing, kRunning, kTerminating, kTerminated };

// "INITIALIZING", "RUNNING", "TERMINATING", "TERMINATED".
std::string_view node_state_name(NodeState state);

class Readiness {
 public:
  // `notify_fd` may be -1 (no supervisor); `status_path` is <spool>/.status.
  Readiness(int notify_fd, std::string status_path);
  ~Readiness();
  Readiness(const Readiness&) = delete;
  Readiness& operator=(const Readiness&) = delete;

  // Writes the .status file atomically and, for kInitializing and kRunning, the
  // supervisor's line ("initializing\n", "ready\n"). The pipe is closed after "ready":
  // nothing more is said on it, and a supervisor that went away must not get SIGPIPE'd
  // into us later. Errors on the pipe are ignored (the supervisor may be gone); an error
  // writing the status file is returned.
  Status set(NodeState state);
  NodeState state() const { return state_; }

 private:
  void say(std::string_view line);

  int notify_fd_;
  std::string status_path_;
  NodeState state_ = NodeState::kInitializing;
};

}  // namespace bc::node
