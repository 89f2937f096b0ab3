#pragma once
// NodeProcess: one running brocluster-node — capture, analysis, its cluster role, the
// control protocol, readiness and the .status file — around one zmq::poll loop over the
// capture fd, the control socket, the cluster sockets, a signalfd and the timers.
// main.cc builds the options and calls run(); run() returns the exit code.
//
// Roles (docs/NODE-PROTOCOL.md, "Cluster roles"): standalone does everything; a worker
// captures, sends its log records to the log sink (manager or logger) and its scan
// observations to the proxy chosen by the scanning source; a proxy runs scan detection over
// every worker's observations and sends notices to the sink; the sink writes the cluster's
// logs in its spool dir.
//
// Single-threaded (ZeroMQ's I/O threads aside). Not copyable.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "common/timer_queue.h"
#include "config/cluster.h"
#include "node/engine/engine.h"
#include "node/engine/packet_source.h"
#include "node/engine/scan.h"
#include "node/engine/trace_writer.h"
#include "node/process/cluster_links.h"
#include "node/process/cluster_wire.h"
#include "node/process/control_server.h"
#include "node/process/delivery_ledger.h"
#include "node/process/log_sink.h"
#include "node/process/node_identity.h"
#include "node/process/peer_link.h"
#include "node/process/policy.h"
#include "node/process/readiness.h"
#include "security/bus_security.h"
#include "supervisor/signal_fd.h"

namespace bc::node {

struct NodeRunOptions {
  config::Cluster cluster;
  NodeIdentity identity;
  PolicySources sources;
  std::string read_file;     // -r: offline from this pcap instead of the interface
  bool exit_at_eof = false;  // -r: exit after the file instead of serving until SIGTERM
};

class NodeProcess : private RecordSink {
 public:
  explicit NodeProcess(NodeRunOptions options);
  ~NodeProcess() override;
  NodeProcess(const NodeProcess&) = delete;
  NodeProcess& operator=(const NodeProcess&) = delete;

  int run();

 private:
  // Start-up, in order; each prints its error and makes run() return 1.
  Status start();
  Status open_capture();
  Status open_cluster();
  void schedule_timers();
  void every(std::chrono::milliseconds period, std::function<void()> fn);
  void loop();
  void shutdown();

  // RecordSink: where the engine's output goes in this role.
  void log(const LogRecord& record) override;
  void scan(const ScanObservation& observation) override;
  void notice(const LogRecord& record);

  void read_packets();
  void on_end_of_input();
  void on_pull();
  // One whole message from the ROUTER: (routing id, payload); nullopt when none is left.
  std::optional<std::pair<std::string, std::string>> read_pulled();
  void deliver(const ClusterMessage& message);
  void send_acks(std::vector<std::pair<std::string, std::string>>& acks);
  void tick_links();
  void drain_sink_link();
  void on_signals();
  void flush_links();
  std::vector<std::string> rotate();
  std::int64_t now_us() const;

  // Control protocol (control_commands.cc).
  msg::Reply handle(const msg::Request& request);
  msg::Value cmd_status() const;
  Result<msg::Value> cmd_print(const msg::Value& args) const;
  Result<msg::Value> cmd_update();
  msg::Value cmd_netstats() const;
  msg::Value cmd_peerstatus() const;
  Result<msg::Value> cmd_notices(const msg::Value& args) const;

  NodeRunOptions options_;
  std::optional<Policy> policy_;
  ClusterLinks links_;
  std::unique_ptr<Readiness> readiness_;
  std::optional<sup::SignalFd> signals_;
  std::unique_ptr<zmq::context_t> ctx_;
  security::BusSecurity security_;             // plain until open_cluster()
  std::unique_ptr<security::ZapHandler> zap_;  // ends before ctx_
  std::unique_ptr<ControlServer> control_;
  std::unique_ptr<PacketSource> source_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<TraceWriter> trace_;
  std::unique_ptr<ScanDetector> detector_;
  std::unique_ptr<LogSink> logs_;
  std::optional<DeliveryLedger> ledger_;  // the cluster's sink only
  std::unique_ptr<PeerLink> sink_link_;
  std::vector<std::unique_ptr<PeerLink>> proxy_links_;
  std::unique_ptr<zmq::socket_t> pull_;
  RecentNotices notices_;
  TimerQueue timers_;
  bool stop_ = false;
  bool input_done_ = false;          // offline file exhausted
  std::int64_t last_packet_us_ = 0;  // packet time (offline clock)
  std::int64_t latest_observation_us_ = 0;
  std::int64_t started_us_ = 0;
  std::uint64_t pulled_messages_ = 0, pulled_malformed_ = 0;
  std::uint64_t duplicate_batches_ = 0, gap_batches_ = 0;
  std::string capture_error_;
};

}  // namespace bc::node
