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
constexpr auto kExitDrain = std::chrono::seconds(2);

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
    for (PeerLink* l : links) {
      items.push_back({l->monitor().handle(), 0, ZMQ_POLLIN, 0});
      items.push_back({l->socket().handle(), 0, ZMQ_POLLIN, 0});
    }
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
    const auto turn = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < links.size(); ++i) {
      if (items[links_at + 2 * i].revents & ZMQ_POLLIN) links[i]->on_monitor(turn);
      if (items[links_at + 2 * i + 1].revents & ZMQ_POLLIN) links[i]->on_readable(turn);
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
  if (logs_) (void)logs_->flush();
  if (trace_ && trace_->is_open()) (void)trace_->flush();
  spdlog::info("{}: end of {} ({} packets)", options_.identity.spec.name, options_.read_file,
               engine_->counters().packets);
  if (options_.exit_at_eof) stop_ = true;
}

// One round (docs/NODE-PROTOCOL.md, "Delivery"): up to 256 messages read, the numbered
// log batches checked against the ledger, the round begun, everything written and
// flushed, the round committed, and only then the acks sent.
void NodeProcess::on_pull() {
  std::vector<ClusterMessage> writes;
  std::vector<std::pair<std::string, std::string>> acks;  // (routing id, sender)
  for (int batch = 0; batch < 256; ++batch) {
    std::optional<std::pair<std::string, std::string>> frames = read_pulled();
    if (!frames) break;
    ++pulled_messages_;
    Result<ClusterMessage> m = decode_cluster_message(frames->second);
    if (!m) {
      ++pulled_malformed_;
      spdlog::warn("{}: dropped a cluster message: {}", options_.identity.spec.name,
                   m.status().message());
      continue;
    }
    if (!m->sender.empty() && ledger_) {
      acks.emplace_back(frames->first, m->sender);
      const Delivery d = ledger_->accept(m->sender, m->seq, m->base);
      if (d == Delivery::kDuplicate) ++duplicate_batches_;
      if (d == Delivery::kGap) ++gap_batches_;
      if (d != Delivery::kWrite) continue;
    }
    writes.push_back(std::move(*m));
  }
  const bool round = ledger_ && ledger_->pending();
  if (round) {
    if (Status s = ledger_->begin(); !s) {
      // Not written, not acked: the senders keep them and resend.
      spdlog::error("{}: {}", options_.identity.spec.name, s.message());
      ledger_->abort();
      std::erase_if(writes, [](const ClusterMessage& m) { return !m.sender.empty(); });
    }
  }
  for (const ClusterMessage& m : writes)
    deliver(m);
  if (round && ledger_->pending()) {
    // A failed write undoes the round: nothing of it is acked, the senders resend later.
    Status s = logs_->flush() ? ledger_->commit() : ledger_->rollback();
    if (!s) spdlog::error("{}: {}", options_.identity.spec.name, s.message());
  }
  send_acks(acks);
}

std::optional<std::pair<std::string, std::string>> NodeProcess::read_pulled() {
  while (true) {
    zmq::message_t id, message;
    if (!pull_->recv(id, zmq::recv_flags::dontwait)) return std::nullopt;
    bool whole = id.more() && pull_->recv(message, zmq::recv_flags::dontwait).has_value();
    while (message.more()) {  // a DEALER of ours sends one frame; more is garbage
      whole = false;
      if (!pull_->recv(message, zmq::recv_flags::dontwait)) break;
    }
    if (whole) return std::make_pair(id.to_string(), message.to_string());
    ++pulled_malformed_;
  }
}

void NodeProcess::deliver(const ClusterMessage& m) {
  for (const LogRecord& r : m.records) {
    if (r.stream == "notice") {
      notice(r);
    } else {
      log(r);
    }
  }
  for (const ScanObservation& o : m.observations)
    scan(o);
}

void NodeProcess::send_acks(std::vector<std::pair<std::string, std::string>>& acks) {
  std::sort(acks.begin(), acks.end());
  acks.erase(std::unique(acks.begin(), acks.end()), acks.end());
  for (const auto& [routing, sender] : acks) {
    const std::string ack =
        encode_ack(LogAck{options_.identity.spec.name, sender, ledger_->highest(sender)});
    // A sender that went away meanwhile: ROUTER drops it, and the sender resends.
    zmq::message_t to(routing.data(), routing.size()), body(ack.data(), ack.size());
    if (pull_->send(to, zmq::send_flags::sndmore | zmq::send_flags::dontwait)) {
      (void)pull_->send(body, zmq::send_flags::dontwait);
    }
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

void NodeProcess::tick_links() {
  const auto now = std::chrono::steady_clock::now();
  if (sink_link_) sink_link_->tick(now);
}

// At exit, the sink link waits (bounded) for the acks of what it holds: records not
// acknowledged by then are lost with this process, and counted in its log.
void NodeProcess::drain_sink_link() {
  if (!sink_link_) return;
  const auto deadline = std::chrono::steady_clock::now() + kExitDrain;
  while (sink_link_->unacked() && std::chrono::steady_clock::now() < deadline) {
    zmq::pollitem_t items[] = {{sink_link_->monitor().handle(), 0, ZMQ_POLLIN, 0},
                               {sink_link_->socket().handle(), 0, ZMQ_POLLIN, 0}};
    try {
      zmq::poll(items, 2, std::chrono::milliseconds(50));
    } catch (const zmq::error_t&) {
    }
    const auto now = std::chrono::steady_clock::now();
    if (items[0].revents & ZMQ_POLLIN) sink_link_->on_monitor(now);
    if (items[1].revents & ZMQ_POLLIN) sink_link_->on_readable(now);
    sink_link_->tick(now);
  }
  if (sink_link_->unacked()) {
    spdlog::warn("{}: {} log records not acknowledged by {} at exit", options_.identity.spec.name,
                 sink_link_->buffered_records(), sink_link_->peer().node);
  }
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
  drain_sink_link();
  if (logs_) logs_->close();
  if (trace_) trace_->close();
  // Scan batches still queued leave within the links' linger as the sockets close.
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
