#include "node/process/peer_link.h"

#include <zmq.h>

#include <atomic>
#include <cstring>

#include "net/socket_factory.h"

namespace bc::node {
namespace {

std::string next_monitor_address() {
  static std::atomic<int> counter{0};
  return "inproc://peer-monitor-" + std::to_string(counter++);
}

net::SocketOptions push_options(int queue_messages) {
  net::SocketOptions o;
  o.send_hwm = queue_messages;
  // Records of a clean shutdown (SIGTERM flushes every open flow) must still leave;
  // bounded, so that a dead manager does not hold up the exit for long.
  o.linger_ms = 2000;
  return o;
}

}  // namespace

PeerLink::PeerLink(zmq::context_t& ctx, PeerAddress peer, std::string self, int queue_messages,
                   const security::BusSecurity* security)
    : peer_(std::move(peer)),
      self_(std::move(self)),
      push_(net::make_socket(ctx, zmq::socket_type::push, push_options(queue_messages))),
      monitor_(ctx, zmq::socket_type::pair) {
  logs_.node = self_;
  scans_.node = self_;
  // The monitor's reader must be connected before the first event, or libzmq drops it.
  const std::string address = next_monitor_address();
  const int events = ZMQ_EVENT_CONNECTED | ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_CONNECT_RETRIED;
  if (zmq_socket_monitor(push_.handle(), address.c_str(), events) == 0) {
    monitor_.connect(address);
  }
  // Unsecured, the peer's CURVE server would refuse the handshake: the link then stays
  // down (peerstatus shows it) rather than talk in the clear.
  if (security != nullptr && !security->secure_client(push_, peer_.host).is_ok()) return;
  push_.connect(peer_.endpoint);
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
    send(encode_logs(logs_), logs_.records.size());
    logs_.records.clear();
  }
  if (!scans_.observations.empty()) {
    send(encode_scans(scans_), scans_.observations.size());
    scans_.observations.clear();
  }
}

void PeerLink::send(std::string bytes, std::size_t records) {
  zmq::message_t message(bytes.data(), bytes.size());
  if (push_.send(message, zmq::send_flags::dontwait)) {
    sent_ += records;
  } else {
    dropped_ += records;  // the queue towards the peer is full
  }
}

void PeerLink::on_monitor() {
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
      .set("sent_records", sent_)
      .set("dropped_records", dropped_);
  return v;
}

}  // namespace bc::node
