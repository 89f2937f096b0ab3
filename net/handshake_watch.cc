#include "net/handshake_watch.h"

#include <unistd.h>
#include <zmq.h>

#include <atomic>
#include <cstdint>
#include <cstring>

namespace bc::net {

HandshakeWatch::HandshakeWatch(zmq::context_t& ctx, zmq::socket_t& socket, bool curve) {
  if (!curve) return;
  static std::atomic<int> counter{0};
  const std::string address =
      "inproc://handshake-monitor-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
  if (zmq_socket_monitor(socket.handle(), address.c_str(),
                         ZMQ_EVENT_HANDSHAKE_FAILED_AUTH | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL) ==
      0) {
    monitor_.emplace(ctx, zmq::socket_type::pair);
    monitor_->set(zmq::sockopt::linger, 0);
    monitor_->connect(address);
  }
}

Status HandshakeWatch::check(const std::string& endpoint) {
  if (!refused_.is_ok() || !monitor_) return refused_;
  for (;;) {
    zmq::message_t event;
    if (!monitor_->recv(event, zmq::recv_flags::dontwait)) return refused_;
    while (event.more()) {  // the second frame: the peer's address
      zmq::message_t address;
      (void)monitor_->recv(address, zmq::recv_flags::none);
      if (!address.more()) break;
    }
    if (event.size() < 2) continue;
    std::uint16_t id = 0;
    std::memcpy(&id, event.data(), sizeof id);
    if ((id & (ZMQ_EVENT_HANDSHAKE_FAILED_AUTH | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL)) != 0) {
      refused_ = Status(ErrorCode::kPermissionDenied,
                        endpoint +
                            " refused our key (CURVE authentication failed): the key "
                            "is unknown there, revoked, or not of a role it accepts");
      return refused_;
    }
  }
}

}  // namespace bc::net
