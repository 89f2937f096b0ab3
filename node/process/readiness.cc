#include "node/process/readiness.h"

#include <unistd.h>

#include <cerrno>
#include <string>

#include "common/file_util.h"

namespace bc::node {

std::string_view node_state_name(NodeState state) {
  switch (state) {
    case NodeState::kInitializing:
      return "INITIALIZING";
    case NodeState::kRunning:
      return "RUNNING";
    case NodeState::kTerminating:
      return "TERMINATING";
    case NodeState::kTerminated:
      return "TERMINATED";
  }
  return "INITIALIZING";
}

Readiness::Readiness(int notify_fd, std::string status_path)
    : notify_fd_(notify_fd), status_path_(std::move(status_path)) {}

Readiness::~Readiness() {
  if (notify_fd_ >= 0) close(notify_fd_);
}

Status Readiness::set(NodeState state) {
  state_ = state;
  // The file first: whoever hears "ready" may look at it at once. Rewritten a handful of
  // times per run, so all-or-nothing for readers is what matters, not fsync.
  Status written = write_file_atomic(status_path_, std::string(node_state_name(state)) + "\n", 0644,
                                     Durability::kNoSync);
  if (state == NodeState::kInitializing) say("initializing\n");
  if (state == NodeState::kRunning) {
    say("ready\n");
    if (notify_fd_ >= 0) close(notify_fd_);
    notify_fd_ = -1;
  }
  return written;
}

void Readiness::say(std::string_view line) {
  if (notify_fd_ < 0) return;
  ssize_t n;
  do {
    n = write(notify_fd_, line.data(), line.size());
  } while (n < 0 && errno == EINTR);
}

}  // namespace bc::node
