#include "node/process/peer_link.h"

#include <zmq.h>

#include <atomic>
#include <cstring>
#include <random>

#include <spdlog/spdlog.h>

#include "net/socket_factory.h"

namespace bc::node {
namespace {

std::string next_monitor_address() {
  static std::atomic<int> counter{0};
  return "inproc://peer-monitor-" + std::to_string(counter++);
}

net::SocketOptions dealer_options(int queue_messages) {
  net::SocketOptions o;
  o.send_hwm = queue_messages;
  // What is on the wire at exit may still leave; delivery itself is settled by the acks
  // (NodeProcess::shutdown waits for them), so the linger stays short.
  o.linger_ms = 500;
  return o;
}

// A fresh id per link and process: a restarted sender starts a new sequence.
std::string random_sender_id() {
  std::random_device rd;
  std::uint64_t v = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(v));
  return text;
}

}  // namespace

PeerLink::PeerLink(zmq::context_t& ctx, PeerAddress peer, std::string self, LinkBuffer buffer,
                   int queue_messages, const security::BusSecurity* security)
    : peer_(std::move(peer)),
      self_(std::move(self)),
      sender_id_(random_sender_id()),
      dealer_(net::make_socket(ctx, zmq::socket_type::dealer, dealer_options(queue_messages))),
      monitor_(ctx, zmq::socket_type::pair),
      outbox_(buffer.spill_path, buffer.memory_bytes, buffer.disk_bytes) {
  logs_.node = self_;
  logs_.sender = sender_id_;
  scans_.node = self_;
  // The monitor's reader must be connected before the first event, or libzmq drops it.
  const std::string address = next_monitor_address();
  const int events = ZMQ_EVENT_CONNECTED | ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_CONNECT_RETRIED;
  if (zmq_socket_monitor(dealer_.handle(), address.c_str(), events) == 0) {
    monitor_.connect(address);
  }
  // Unsecured, the peer's CURVE server would refuse the handshake: the link then stays
  // down (peerstatus shows it) rather than talk in the clear.
  if (security != nullptr && !security->secure_client(dealer_, peer_.host).is_ok()) return;
  dealer_.connect(peer_.endpoint);
}

void PeerLink::add(const LogRecord& record) {
  logs_.records.push_back(record);
  if (logs_.records.size() >= kBatch) flush();
}

void PeerLink::add(const ScanObservation& observation) {
  scans_.observations.push_back(observation);
  if (scans_.observations.size() >= kBatch) flush();
}

void PeerLink::flush() {
  if (!logs_.records.empty()) {
    (void)outbox_.push(static_cast<std::uint32_t>(logs_.records.size()), [this](std::uint64_t seq) {
      logs_.seq = seq;
      logs_.base = outbox_.first_unacked();
      return encode_logs(logs_);
    });
    logs_.records.clear();
  }
  if (!scans_.observations.empty()) send_scans();
  pump(std::chrono::steady_clock::now());
}

void PeerLink::send_scans() {
  const std::string bytes = encode_scans(scans_);
  zmq::message_t message(bytes.data(), bytes.size());
  if (!dealer_.send(message, zmq::send_flags::dontwait)) {
    dropped_scans_ += scans_.observations.size();  // the queue towards the peer is full
  }
  scans_.observations.clear();
}

void PeerLink::pump(TimePoint now) {
  if (state_ != "connected") return;  // held back: a reconnect resends from the oldest
  if (next_send_ < outbox_.first_unacked()) next_send_ = outbox_.first_unacked();
  if (next_send_ == outbox_.first_unacked()) last_progress_ = now;  // a fresh start
  while (next_send_ < outbox_.first_unacked() + kWindow) {
    const OutboxBatch* batch = outbox_.find(next_send_);
    if (batch == nullptr) return;
    zmq::message_t message(batch->bytes.data(), batch->bytes.size());
    if (!dealer_.send(message, zmq::send_flags::dontwait)) return;  // stays for later
    sent_ += batch->records;
    ++next_send_;
  }
}

void PeerLink::rewind(TimePoint now) {
  if (next_send_ > outbox_.first_unacked()) ++resent_;
  next_send_ = outbox_.first_unacked();
  pump(now);
}

void PeerLink::tick(TimePoint now) {
  if (state_ == "connected" && next_send_ > outbox_.first_unacked() &&
      now - last_progress_ >= kResendAfter) {
    rewind(now);
  }
}

void PeerLink::on_readable(TimePoint now) {
  for (int i = 0; i < 256; ++i) {
    zmq::message_t message;
    if (!dealer_.recv(message, zmq::recv_flags::dontwait)) break;
    Result<LogAck> ack = decode_ack(message.to_string_view());
    if (!ack || ack->sender != sender_id_) {
      spdlog::warn("{}: dropped a message from {}: {}", self_, peer_.node,
                   ack ? "an ack for another sender" : ack.status().message());
      continue;
    }
    if (ack->seq >= outbox_.first_unacked()) {
      outbox_.ack(ack->seq);
      last_progress_ = now;
    }
  }
  pump(now);
}

void PeerLink::on_monitor(TimePoint now) {
  for (int i = 0; i < 64; ++i) {
    zmq::message_t event, address;
    if (!monitor_.recv(event, zmq::recv_flags::dontwait)) return;
    if (event.more()) (void)monitor_.recv(address, zmq::recv_flags::dontwait);
    if (event.size() < 6) continue;
    std::uint16_t id = 0;
    std::memcpy(&id, event.data(), sizeof id);
    if (id == ZMQ_EVENT_CONNECTED) {
      state_ = "connected";
      ++connects_;
      rewind(now);  // what was in flight may have died with the old connection
    } else if (id == ZMQ_EVENT_DISCONNECTED) {
      state_ = "disconnected";
      ++disconnects_;
    } else if (id == ZMQ_EVENT_CONNECT_RETRIED && state_ != "connected") {
      state_ = "retrying";
    }
  }
}

msg::Value PeerLink::status() const {
  msg::Value v = msg::Value::empty_map();
  v.set("node", peer_.node)
      .set("role", peer_.role)
      .set("endpoint", peer_.endpoint)
      .set("state", state_)
      .set("connects", connects_)
      .set("disconnects", disconnects_)
      .set("sender", sender_id_)
      .set("sent_records", sent_)
      .set("acked_records", outbox_.acked_records())
      .set("buffered_records", outbox_.buffered_records())
      .set("spilled_bytes", outbox_.spilled_bytes())
      .set("resent_batches", resent_)
      .set("dropped_records", dropped_records());
  return v;
}

}  // namespace bc::node
