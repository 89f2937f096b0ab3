// NodeProcess: the event loop, the routing of records in each role, rotation and the
// clean shutdown. Start-up is in node_process.cc, the control commands in
// control_commands.cc.

#include <signal.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include <spdlog/spdlog.h>

#include "node/process/cluster_wire.h"
#include "node/process/node_process.h"

namespace bc::node {
namespace {

constexpr int kPacketBatch = 1000;  // packets per loop turn: control stays responsive

}  // namespace

void NodeProcess::loop() {
  while (!stop_) {
    std::vector<zmq::pollitem_t> items;
    items.push_back({nullptr, signals_->fd(), ZMQ_POLLIN, 0});
    items.push_back({control_->socket().handle(), 0, ZMQ_POLLIN, 0});
    const std::size_t pull_at = items.size();
    if (pull_) items.push_back({pull_->handle(), 0, ZMQ_POLLIN, 0});
    const std::size_t links_at = items.size();
    std::vector<PeerLink*> links;
    if (sink_link_) links.push_back(sink_link_.get());
    for (auto& p : proxy_links_)
      links.push_back(p.get());
    for (PeerLink* l : links)
      items.push_back({l->monitor().handle(), 0, ZMQ_POLLIN, 0});
    const std::size_t capture_at = items.size();
    const int capture_fd = source_ ? source_->selectable_fd() : -1;
    if (capture_fd >= 0 && capture_error_.empty())
      items.push_back({nullptr, capture_fd, ZMQ_POLLIN, 0});
    // An offline file is read as fast as the loop turns; everything else waits.
    const bool offline_pending = source_ && capture_fd < 0 && !input_done_;
    const auto now = std::chrono::steady_clock::now();
    long timeout =
        offline_pending ? 0 : poll_timeout_ms(timers_.next_deadline(), now, Millis(1000));
    try {
      zmq::poll(items.data(), items.size(), std::chrono::milliseconds(timeout));
    } catch (const zmq::error_t& e) {
      if (e.num() != EINTR) spdlog::error("poll: {}", e.what());
      continue;
    }
    if (items[0].revents & ZMQ_POLLIN) on_signals();
    if (items[1].revents & ZMQ_POLLIN) control_->on_readable();
    if (pull_ && (items[pull_at].revents & ZMQ_POLLIN)) on_pull();
    for (std::size_t i = 0; i < links.size(); ++i) {
      if (items[links_at + i].revents & ZMQ_POLLIN) links[i]->on_monitor();
    }
    const bool capture_ready =
        capture_at < items.size() && (items[capture_at].revents & ZMQ_POLLIN);
    if (offline_pending || capture_ready) read_packets();
    timers_.run_due(std::chrono::steady_clock::now());
  }
}

void NodeProcess::read_packets() {
  Result<int> n = source_->dispatch(kPacketBatch, [this](const PacketView& packet) {
    last_packet_us_ = packet.ts_us;
    if (trace_ && trace_->is_open()) (void)trace_->write(packet);
    engine_->process(packet);
  });
  if (n) return;
  if (is_end_of_input(n.status())) {
    on_end_of_input();
    return;
  }
  // A live interface that went away: keep serving control so that the state is visible.
  capture_error_ = n.status().message();
  spdlog::error("{}: capture stopped: {}", options_.identity.spec.name, capture_error_);
}

void NodeProcess::on_end_of_input() {
  input_done_ = true;
  engine_->flush_all(last_packet_us_);
  if (detector_) detector_->expire(last_packet_us_);
  flush_links();
  if (logs_) logs_->flush();
  if (trace_ && trace_->is_open()) (void)trace_->flush();
  spdlog::info("{}: end of {} ({} packets)", options_.identity.spec.name, options_.read_file,
               engine_->counters().packets);
  if (options_.exit_at_eof) stop_ = true;
}

void NodeProcess::on_pull() {
  for (int batch = 0; batch < 256; ++batch) {
    zmq::message_t message;
    if (!pull_->recv(message, zmq::recv_flags::dontwait)) return;
    ++pulled_messages_;
    Result<ClusterMessage> m = decode_cluster_message(message.to_string_view());
    if (!m) {
      ++pulled_malformed_;
      spdlog::warn("{}: dropped a cluster message: {}", options_.identity.spec.name,
                   m.status().message());
      continue;
    }
    for (const LogRecord& r : m->records) {
      if (r.stream == "notice") {
        notice(r);
      } else {
        log(r);
      }
    }
    for (const ScanObservation& o : m->observations)
      scan(o);
  }
}

void NodeProcess::log(const LogRecord& record) {
  if (logs_) {
    logs_->write(record);
  } else if (sink_link_) {
    sink_link_->add(record);
  }
}

void NodeProcess::notice(const LogRecord& record) {
  notices_.add(record);
  log(record);
}

void NodeProcess::scan(const ScanObservation& observation) {
  if (!detector_ && !proxy_links_.empty()) {
    proxy_links_[proxy_for(observation.src, proxy_links_.size())]->add(observation);
    return;
  }
  if (!detector_) return;  // a role that does no scan detection (a proxy's data only)
  latest_observation_us_ = std::max(latest_observation_us_, observation.ts_us);
  if (std::optional<LogRecord> n = detector_->observe(observation)) notice(*n);
}

void NodeProcess::on_signals() {
  for (int sig : signals_->drain()) {
    if (sig == SIGTERM || sig == SIGINT) {
      spdlog::info("{}: {} received, shutting down", options_.identity.spec.name,
                   sig == SIGTERM ? "SIGTERM" : "SIGINT");
      stop_ = true;
    } else if (sig == SIGHUP) {
      rotate();
    }
  }
}

void NodeProcess::flush_links() {
  if (sink_link_) sink_link_->flush();
  for (auto& p : proxy_links_)
    p->flush();
}

std::vector<std::string> NodeProcess::rotate() {
  std::vector<std::string> reopened;
  if (logs_) reopened = logs_->reopen();
  if (trace_ && trace_->is_open() && source_) {
    // One previous trace is kept: short-term debugging, bounded on disk.
    const std::string path = trace_->path();
    std::error_code ec;
    std::filesystem::rename(path, path + ".1", ec);
    if (Status s = trace_->open(path, source_->linktype(), source_->snaplen()); !s) {
      spdlog::error("{}", s.message());
    } else {
      reopened.push_back(path);
    }
  }
  spdlog::info("{}: logs reopened", options_.identity.spec.name);
  return reopened;
}

std::int64_t NodeProcess::now_us() const {
  if (source_ && source_->selectable_fd() < 0) return last_packet_us_;  // offline: packet time
  return SystemClock().wall_us();
}

void NodeProcess::shutdown() {
  const std::string& name = options_.identity.spec.name;
  (void)readiness_->set(NodeState::kTerminating);
  if (engine_ && !input_done_) engine_->flush_all(now_us());
  flush_links();
  if (logs_) logs_->close();
  if (trace_) trace_->close();
  // Pending batches leave within the links' linger (2 s) as the sockets close.
  sink_link_.reset();
  proxy_links_.clear();
  pull_.reset();
  control_.reset();
  zap_.reset();  // its socket too, or the context would wait for it
  ctx_.reset();
  (void)readiness_->set(NodeState::kTerminated);
  spdlog::info("{}: terminated", name);
}

}  // namespace bc::node
