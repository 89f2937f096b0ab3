#pragma once
// ControlServer: the node control protocol's socket (docs/NODE-PROTOCOL.md). A ROUTER
// bound on CLUSTER_CONTROL (ipc://<spool>/.control, socket file mode 0600), speaking the
// project's Request/Reply messages (messages/request.h), one frame after the routing
// envelope, like the supervisor's command socket. Every request is answered at once by the
// handler; a frame that is not a Request is counted and answered with bad_message (id 0),
// a message of other than two frames is counted and dropped. Owned by the event loop.

#include <cstdint>
#include <functional>
#include <string>
#include <zmq.hpp>

#include "common/status.h"
#include "messages/request.h"

namespace bc::node {

class ControlServer {
 public:
  using Handler = std::function<msg::Reply(const msg::Request&)>;

  // Binds; errors name the endpoint. An existing socket file (a previous run) is replaced.
  static Result<std::unique_ptr<ControlServer>> bind(zmq::context_t& ctx,
                                                     const std::string& endpoint, Handler handler);

  zmq::socket_t& socket() { return socket_; }
  // Serves what is queued (up to a batch, so one busy client cannot starve capture).
  void on_readable();
  std::uint64_t requests() const { return requests_; }
  std::uint64_t malformed() const { return malformed_; }

  ControlServer(zmq::socket_t socket, Handler handler)
      : socket_(std::move(socket)), handler_(std::move(handler)) {}

 private:
  void reply(const zmq::message_t& identity, const msg::Reply& reply);

  zmq::socket_t socket_;
  Handler handler_;
  std::uint64_t requests_ = 0;
  std::uint64_t malformed_ = 0;
};

}  // namespace bc::node
