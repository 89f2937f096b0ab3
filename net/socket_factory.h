#pragma once
// Every ZeroMQ socket of BroCluster is made here, so that limits (maximum message size,
// high-water marks, linger) are set on purpose in one place and the CURVE security layer
// slots in at one point later.

#include <cstdint>
#include <string>
#include <string_view>
#include <zmq.hpp>

namespace bc::net {

struct SocketOptions {
  int send_hwm = 10000;
  int recv_hwm = 10000;
  // Frames above this are dropped by libzmq before we see them (hostile-input bound).
  std::int64_t max_message_bytes = 16 * 1024 * 1024;
  int linger_ms = 0;  // never let a closing socket hold up process exit
};

zmq::socket_t make_socket(zmq::context_t& ctx, zmq::socket_type type,
                          const SocketOptions& options = {});

}  // namespace bc::net
