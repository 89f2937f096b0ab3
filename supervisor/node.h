#pragma once
// One node as the supervisor tracks it: its configuration, its place in the lifecycle,
// its process, the timers armed for it and the requests waiting on it. Owned by the
// Supervisor's node table; touched only by the event loop thread.

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/timer_queue.h"
#include "config/node_config.h"
#include "supervisor/lifecycle.h"
#include "supervisor/pending_reply.h"
#include "supervisor/proc_reader.h"
#include "supervisor/reaper.h"

namespace bc::sup {

struct NodeTimers {
  TimerQueue::TimerId ready = 0;
  TimerQueue::TimerId stop = 0;
  TimerQueue::TimerId kill = 0;
  TimerQueue::TimerId start_deadline = 0;
};

struct Node {
  config::NodeSpec spec;
  NodeLifecycle lifecycle;
  // False once an install has removed the node while its process ran: it can still be seen
  // and stopped, never started, and leaves the table once its process is gone (DECISIONS.md).
  bool configured = true;
  // The installed version the current process was started from ("" when unknown).
  std::string started_version;
  // A crash record is being written; an unconfigured node stays until it is announced.
  bool record_pending = false;

  pid_t pid = 0;
  int pidfd = -1;             // watched for adopted processes (not our children)
  int notify_fd = -1;         // read end of the readiness pipe while initializing
  std::string notify_buffer;  // partial line from the node
  bool adopted = false;       // exit status will be unknown
  std::uint64_t start_ticks = 0;
  std::int64_t started_at_us = 0;
  // mtime of a "core" file already in the node's dir when the process started (0: none),
  // so that a crash record does not take an earlier crash's core for this one's.
  std::int64_t stale_core_mtime_us = 0;
  std::optional<ExitInfo> last_exit;
  std::string last_reason;  // for the published event: "start", "exit code 3", ...
  // Profile zeek: the last line read from the node's .status ("" before the first).
  std::string zeek_status;

  NodeTimers timers;
  std::vector<std::shared_ptr<PendingReply>> awaiting_start;
  std::vector<std::shared_ptr<PendingReply>> awaiting_stop;

  CpuMeter cpu;
  std::optional<double> last_cpu_pct;
  // Peers connected at the last stats sample (peerstatus); nullopt: not asked yet, or the
  // node has no control endpoint to ask.
  std::optional<int> peers;

  std::string_view type_name() const { return config::node_type_name(spec.type); }
};

}  // namespace bc::sup
