#include "node/process/node_process.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>

#include <spdlog/spdlog.h>

#include "common/file_util.h"
#include "messages/codec.h"
#include "net/socket_factory.h"
#include "node/process/cluster_wire.h"

namespace bc::node {
namespace {

constexpr auto kLinkFlush = std::chrono::milliseconds(100);
constexpr auto kLogFlush = std::chrono::seconds(1);

std::int64_t wall_us() {
  return SystemClock().wall_us();
}

std::uint64_t uid_seed(const std::string& node) {
  return std::hash<std::string>()(node) ^ (static_cast<std::uint64_t>(getpid()) << 32);
}

}  // namespace

NodeProcess::NodeProcess(NodeRunOptions options) : options_(std::move(options)) {}

NodeProcess::~NodeProcess() = default;

int NodeProcess::run() {
  started_us_ = wall_us();
  if (Status s = start(); !s) {
    spdlog::error("{}: {}", options_.identity.spec.name, s.message());
    std::fprintf(stderr, "brocluster-node: %s\n", s.message().c_str());
    if (readiness_) (void)readiness_->set(NodeState::kTerminated);
    return 1;
  }
  loop();
  shutdown();
  return 0;
}

Status NodeProcess::start() {
  // Before any thread exists (ZeroMQ's included), so every thread inherits the mask.
  Result<sup::SignalFd> signals = sup::SignalFd::open();
  if (!signals) return signals.status();
  signals_.emplace(std::move(*signals));
  const NodeIdentity& id = options_.identity;
  if (Status s = ensure_dir(id.spool); !s) return s;
  readiness_ = std::make_unique<Readiness>(id.notify_fd, id.spool + "/.status");
  if (Status s = readiness_->set(NodeState::kInitializing); !s) return s;

  std::vector<script::Diagnostic> errors;
  Result<Policy> policy = load_policy(options_.sources, errors);
  for (const auto& d : errors)
    std::fprintf(stderr, "%s\n", d.to_string().c_str());
  if (!policy) return policy.status();
  policy_.emplace(std::move(*policy));
  policy_->settings.uid_seed = uid_seed(id.spec.name);

  Result<ClusterLinks> links = plan_links(options_.cluster, id.spec);
  if (!links) return links.status();
  links_ = std::move(*links);

  ctx_ = std::make_unique<zmq::context_t>(1);
  Result<std::unique_ptr<ControlServer>> control =
      ControlServer::bind(*ctx_, id.control, [this](const msg::Request& r) { return handle(r); });
  if (!control) return control.status();
  control_ = std::move(*control);
  if (Status s = open_capture(); !s) return s;
  if (Status s = open_cluster(); !s) return s;
  schedule_timers();
  spdlog::info("{} ({}) running: pid {}, control {}", id.spec.name,
               config::node_type_name(id.spec.type), getpid(), id.control);
  return readiness_->set(NodeState::kRunning);
}

Status NodeProcess::open_capture() {
  if (!links_.captures) return Status::ok();
  const NodeIdentity& id = options_.identity;
  const LbShare share{id.spec.lb_index, id.spec.lb_procs};
  Result<std::unique_ptr<PacketSource>> source = Status::ok();
  if (!options_.read_file.empty()) {
    source = PacketSource::open_offline(options_.read_file, share);
  } else if (id.spec.interface.empty()) {
    return Status::invalid_argument(id.spec.name +
                                    " has no interface to capture on (interface= in node.cfg, "
                                    "or -i / -r)");
  } else {
    LiveOptions live;
    live.share = share;
    live.group = id.spec.lb_group;  // two lb groups on one interface: two fanouts
    source = PacketSource::open_live(id.spec.interface, live);
  }
  if (!source) return source.status();
  source_ = std::move(*source);
  engine_ = std::make_unique<Engine>(policy_->settings, static_cast<RecordSink&>(*this),
                                     source_->linktype());
  if (options_.cluster.options.get_bool("SaveTraces")) {
    trace_ = std::make_unique<TraceWriter>();
    const std::string path = id.spool + "/trace.pcap";
    if (Status s = trace_->open(path, source_->linktype(), source_->snaplen()); !s) return s;
  }
  return Status::ok();
}

Status NodeProcess::open_cluster() {
  const std::string& self = options_.identity.spec.name;
  if (links_.writes_logs && !links_.bind.empty()) {
    // Before the first record: an unfinished round of a killed sink is undone first.
    Result<DeliveryLedger> ledger = DeliveryLedger::open(options_.identity.spool);
    if (!ledger) return ledger.status();
    ledger_.emplace(std::move(*ledger));
  }
  if (links_.writes_logs) logs_ = std::make_unique<LogSink>(options_.identity.spool);
  if (links_.detects_scans) detector_ = std::make_unique<ScanDetector>(policy_->settings);
  if (links_.sink || !links_.bind.empty()) {
    // The cluster links are TCP between hosts: CURVE with the host's key, as the bus.
    auto security =
        security::BusSecurity::load(options_.cluster.options, options_.identity.spec.host);
    if (!security)
      return Status(security.status().code(), "cluster links: " + security.status().message());
    security_ = std::move(*security);
    auto zap = security_.start_zap(*ctx_, options_.identity.spec.name);
    if (!zap) return zap.status();
    zap_ = std::move(*zap);
  }
  if (links_.sink) {
    LinkBuffer buffer;
    buffer.spill_path = options_.identity.spool + "/.log-spill";
    const std::int64_t disk_mib = options_.cluster.options.get_int("LogBufferMaxDisk");
    buffer.disk_bytes = static_cast<std::uint64_t>(std::max<std::int64_t>(disk_mib, 0)) << 20;
    sink_link_ = std::make_unique<PeerLink>(*ctx_, *links_.sink, self, buffer, 1000, &security_);
  }
  if (options_.identity.spec.type == config::NodeType::kWorker) {
    for (const PeerAddress& p : links_.proxies) {
      proxy_links_.push_back(
          std::make_unique<PeerLink>(*ctx_, p, self, LinkBuffer{}, 1000, &security_));
    }
  }
  if (links_.bind.empty()) return Status::ok();
  net::SocketOptions o;
  o.recv_hwm = 1000;
  pull_ = std::make_unique<zmq::socket_t>(net::make_socket(*ctx_, zmq::socket_type::router, o));
  security_.secure_server(*pull_, security::kDomainNode);
  try {
    pull_->bind(links_.bind);
  } catch (const zmq::error_t& e) {
    return Status::io_error("cannot bind the cluster link " + links_.bind + ": " + e.what() +
                            " (NodePortBase in cluster.cfg)");
  }
  return Status::ok();
}

void NodeProcess::every(std::chrono::milliseconds period, std::function<void()> fn) {
  timers_.schedule(std::chrono::steady_clock::now() + period, [this, period, fn] {
    fn();
    every(period, fn);
  });
}

void NodeProcess::schedule_timers() {
  every(kLinkFlush, [this] {
    flush_links();
    tick_links();
  });
  every(kLogFlush, [this] {
    if (engine_ && source_ && source_->selectable_fd() >= 0) engine_->advance(wall_us());
    if (detector_) detector_->expire(links_.captures ? now_us() : latest_observation_us_);
    if (logs_) (void)logs_->flush();
    if (trace_ && trace_->is_open()) (void)trace_->flush();
  });
  const std::int64_t rotation = options_.cluster.options.get_int("LogRotationInterval");
  if (rotation > 0) every(std::chrono::seconds(rotation), [this] { rotate(); });
}

}  // namespace bc::node
