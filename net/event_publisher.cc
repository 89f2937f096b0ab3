#include "net/event_publisher.h"

#include "net/socket_factory.h"

namespace bc::net {

EventPublisher::EventPublisher(zmq::context_t& ctx, std::string host, const std::string& endpoint,
                               const Clock& clock, const security::BusSecurity* security)
    : socket_(make_socket(ctx, zmq::socket_type::pub)), host_(std::move(host)), clock_(clock) {
  if (security != nullptr &&
      !security->secure_client(socket_, std::string(security::kBrokerKeyName)).is_ok()) {
    return;  // unconnected: every event counts as dropped
  }
  socket_.connect(endpoint);
}

void EventPublisher::send(const std::string& topic, const std::string& body) {
  try {
    auto sent =
        socket_.send(zmq::buffer(topic), zmq::send_flags::sndmore | zmq::send_flags::dontwait);
    if (!sent) {
      ++dropped_;
      return;
    }
    // The second frame of a multipart message is queued with the first.
    socket_.send(zmq::buffer(body), zmq::send_flags::dontwait);
  } catch (const zmq::error_t&) {
    ++dropped_;
  }
}

}  // namespace bc::net
