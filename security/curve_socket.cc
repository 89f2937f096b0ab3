#include "security/curve_socket.h"

#include <zmq.h>

namespace bc::security {

void make_curve_server(zmq::socket_t& socket, const KeyPair& own, std::string_view domain) {
  socket.set(zmq::sockopt::curve_server, true);
  socket.set(zmq::sockopt::curve_secretkey, own.secret_z85);
  socket.set(zmq::sockopt::zap_domain, domain);
  // A connection that never completes its handshake (no key at all) holds a descriptor
  // until this runs out: 10 s rather than libzmq's 30 s default (docs/SECURITY.md).
  socket.set(zmq::sockopt::handshake_ivl, 10000);
  // Without a ZAP handler libzmq would let any CURVE client in; with this (a draft option,
  // 93 = ZMQ_ZAP_ENFORCE_DOMAIN, honoured where libzmq was built with drafts) it refuses.
  // Our daemons start their handler before they bind, so it is a second lock, not the
  // only one: the result is ignored where the option is unknown.
  const int on = 1;
  (void)zmq_setsockopt(socket.handle(), 93, &on, sizeof on);
}

void make_curve_client(zmq::socket_t& socket, const KeyPair& own,
                       const std::string& server_public_z85) {
  socket.set(zmq::sockopt::curve_serverkey, server_public_z85);
  socket.set(zmq::sockopt::curve_publickey, own.public_z85);
  socket.set(zmq::sockopt::curve_secretkey, own.secret_z85);
}

std::optional<std::string> sender_key(const zmq::message_t& frame) {
  // zmq_msg_gets takes a non-const message but only reads its metadata.
  const char* user = zmq_msg_gets(const_cast<zmq_msg_t*>(frame.handle()), "User-Id");  // NOLINT
  if (user == nullptr || *user == '\0') return std::nullopt;
  return std::string(user);
}

}  // namespace bc::security
