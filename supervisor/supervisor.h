#pragma once
// brocluster-supervisor: owns the nodes of one host. One event loop over zmq::poll — the
// command socket, a signalfd, the readiness pipes of starting nodes, the pidfds of
// re-adopted nodes — and one timer queue; nothing in it blocks, so a stop waiting out
// StopTimeout or a long `exec` never holds up a `status`. Node state changes go through
// the lifecycle table (lifecycle.h); this class performs the actions it returns.
// Constructed by main() or by a test, run() on one thread.
//
// REQUIRES: `signals` was opened before the ZeroMQ context was created. The signal mask
// is inherited by threads at their creation; libzmq's I/O threads must have SIGCHLD and
// SIGTERM blocked too, or the kernel delivers them there and the signalfd never sees them.

#include <zmq.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "common/clock.h"
#include "common/timer_queue.h"
#include "install/install_receiver.h"
#include "messages/request.h"
#include "net/event_publisher.h"
#include "security/request_gate.h"
#include "supervisor/bus_gate.h"
#include "supervisor/crash_record_writer.h"
#include "supervisor/crash_watchers.h"
#include "supervisor/job_runner.h"
#include "supervisor/node.h"
#include "supervisor/node_control.h"
#include "supervisor/pending_reply.h"
#include "supervisor/proc_reader.h"
#include "supervisor/signal_fd.h"
#include "supervisor/spawner.h"
#include "supervisor/state_store.h"
#include "supervisor/supervisor_options.h"
#include "supervisor/zeek_control.h"
#include "supervisor/zeek_probe.h"

namespace bc::sup {

struct SupervisorCounters {
  std::uint64_t requests = 0;
  std::uint64_t malformed = 0;  // undecodable frames and multipart garbage
  std::uint64_t errors = 0;     // error replies sent
};

class Supervisor {
 public:
  Supervisor(zmq::context_t& ctx, SignalFd signals, SupervisorOptions options, const Clock& clock,
             Spawner& spawner, const ProcReader& proc);
  ~Supervisor();
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  // Binds the command socket and restores the persisted state, re-adopting live nodes and
  // reporting those that died meanwhile. An error names what could not be done.
  Status start();
  // Serves until SIGTERM/SIGINT arrives or request_stop() is called. Nodes keep running.
  void run();
  void request_stop() { stop_requested_.store(true); }

  // Everything below is for the command handlers (supervisor_commands.cc).
  using Responder = std::function<void(const msg::Reply&)>;
  const SupervisorOptions& options() const { return options_; }
  std::map<std::string, Node>& nodes() { return nodes_; }
  // The nodes named in args["nodes"] (all of ours when absent or empty), in start order,
  // those no longer configured last; args["unconfigured"] = true adds every node that is no
  // longer configured. kNotFound naming the first unknown one.
  Result<std::vector<Node*>> select(const msg::Value& args);
  // Feeds a command event to a node; `request` collects the node's outcome.
  void apply(Node& node, NodeEvent event, const std::shared_ptr<PendingReply>& request);
  JobRunner& jobs() { return jobs_; }
  // The connection (routing identity) the request being handled came on; empty outside a
  // handler. With the request id it names work that only this requester may `cancel`.
  const std::string& requester() const { return requester_; }
  NodeControlProxy& control() { return control_; }
  // print/netstats/peerstatus of nodes of profile zeek (zeek_control.h).
  ZeekControlProxy& zeek_control() { return zeek_control_; }
  bool is_zeek(const Node& node) const;
  // The Zeek binary a node of profile zeek runs, and its version (zeek_probe.h).
  Result<ZeekBinary> find_zeek(const Node& node);
  install::InstallReceiver& installer() { return installer_; }
  // Takes the node definitions of the current installed snapshot (after an install):
  // changed nodes start with the new definition next time, new ones are added stopped,
  // removed ones go at once, or, when they run, stay "not configured" until they end.
  Status reload_installed();
  TimerQueue& timers() { return timers_; }
  CrashWatchers& crash_watchers() { return watchers_; }
  const Clock& clock() const { return clock_; }
  const ProcReader& proc() const { return proc_; }
  msg::Value node_status(const Node& node) const;
  // gdb on the core file kept in a crash record: `done` gets the report with its backtrace
  // (also written to the record) once gdb has finished or run into its deadline. An error
  // (no gdb, no core, too many jobs) means `done` will not be called.
  Status start_backtrace(const msg::CrashReport& report,
                         std::function<void(const msg::CrashReport&)> done);
  msg::Value node_top(Node& node);
  std::uint64_t state_version() const { return state_version_; }
  // The seq of the last event this supervisor published: a status answer taken now reflects
  // every event up to it (the Clone pattern, docs/PROTOCOL.md §6).
  std::uint64_t published_seq() const { return events_.seq(); }
  const SupervisorCounters& counters() const { return counters_; }

 private:
  void poll_once();
  void on_command();
  void dispatch(const std::string& identity, const msg::Request& request);
  void send_reply(const std::string& identity, const msg::Reply& reply);
  void on_signals();
  void on_child_exits();
  void on_notify(Node& node);
  void on_pidfd(Node& node);
  // Profile zeek (docs/ZEEK.md): readiness and stop outcome come from the node's .status.
  Result<SpawnSpec> spawn_spec(Node& node);
  void watch_zeek_status(Node& node);
  NodeEvent zeek_exit_event(Node& node, const ExitInfo& exit);

  void perform(Node& node, const Transition& t, const std::shared_ptr<PendingReply>& request);
  void answer(Node& node, Action action, std::string_view note,
              const std::shared_ptr<PendingReply>& request, bool parked);
  bool spawn(Node& node);
  void arm_timers(Node& node, Actions actions);
  void record_crash(Node& node, pid_t pid);
  void on_record_written(WrittenRecord written);
  void publish_state(Node& node, NodeState from);
  void release_process(Node& node);
  // Takes a node that is no longer configured out of the table once nothing refers to it
  // any more (at the next timer turn), if node_registry.h's should_retire() still holds.
  void retire_later(const std::string& name);
  // restore(): finds a persisted node's process again, or reports it dead.
  void readopt(Node& node, const PersistedNode* saved, bool same_boot);
  // A state change bumps state_version_ at once; the file is written once per loop turn
  // (a start of 100 nodes is 100 changes but one write). A supervisor killed within that
  // turn loses nothing: its nodes are found again by orphan_scan.
  void mark_changed();
  void persist();
  void restore();

  void publish_heartbeat();  // and the next one, every HeartbeatInterval
  // A heartbeat if one is due: also called between spawns, so that a start of many nodes
  // in one loop turn does not leave the collector without heartbeats (HostTimeout).
  void heartbeat_if_due();
  void send_heartbeat();
  void publish_stats();
  // Publishes `stats` once the node has answered `netstats` (or did not in time), or at
  // once when it has no control endpoint; never waits.
  void publish_node_stats(const Node& node, msg::NodeStats stats);
  // Publishes a state change or crash report, held back by gate_ until the bus is up.
  template <msg::Event M>
  void announce(M event) {
    gate_.publish([this, e = std::move(event)]() mutable { events_.publish(e); });
  }

  SignalFd signals_;
  SupervisorOptions options_;
  const Clock& clock_;
  Spawner& spawner_;
  const ProcReader& proc_;
  zmq::socket_t commands_;
  net::EventPublisher events_;
  BusGate gate_;
  security::RequestGate request_gate_;
  TimerQueue timers_;
  JobRunner jobs_;
  std::string requester_;  // of the request being dispatched
  NodeControlProxy control_;
  // netstats for the stats samples, apart from control_ so that sampling never takes the
  // places of an operator's requests (kMaxInFlight) nor they its.
  NodeControlProxy samples_;
  ZeekControlProxy zeek_control_;
  CrashRecordWriter records_;
  CrashWatchers watchers_;
  ZeekProbe zeek_probe_;
  std::map<std::string, Node> nodes_;
  std::map<pid_t, std::string> by_pid_;
  StateFile state_file_;
  install::InstallReceiver installer_;
  std::string boot_id_;
  std::uint64_t state_version_ = 0;
  bool state_dirty_ = false;
  SupervisorCounters counters_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point next_heartbeat_{};
  std::atomic<bool> stop_requested_{false};
};

}  // namespace bc::sup
