#include "net/socket_factory.h"

namespace bc::net {

zmq::socket_t make_socket(zmq::context_t& ctx, zmq::socket_type type,
                          const SocketOptions& options) {
  zmq::socket_t socket(ctx, type);
  socket.set(zmq::sockopt::sndhwm, options.send_hwm);
  socket.set(zmq::sockopt::rcvhwm, options.recv_hwm);
  socket.set(zmq::sockopt::maxmsgsize, options.max_message_bytes);
  socket.set(zmq::sockopt::linger, options.linger_ms);
  // Reconnect fast after a peer restart (default 100 ms), backing off to 250 ms only: a
  // supervisor back after a few seconds must hear the collector's requests (its crash watch,
  // the reconciliation) within a repair's second, not after a 1 s back-off step. A refused
  // connection attempt four times a second per dead peer costs nothing.
  socket.set(zmq::sockopt::reconnect_ivl, 50);
  socket.set(zmq::sockopt::reconnect_ivl_max, 250);
  if (type == zmq::socket_type::router) {
    // A reply to a client that went away is dropped rather than queued (or blocking).
    socket.set(zmq::sockopt::router_mandatory, false);
  }
  return socket;
}

}  // namespace bc::net
