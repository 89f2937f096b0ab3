#include "node/process/control_server.h"

#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <memory>
#include <vector>

#include <zmq_addon.hpp>

#include "common/os_error.h"
#include "messages/codec.h"
#include "net/socket_factory.h"

namespace bc::node {
namespace {

constexpr std::int64_t kMaxRequestBytes = 64 * 1024;  // no command needs more

}  // namespace

Result<std::unique_ptr<ControlServer>> ControlServer::bind(zmq::context_t& ctx,
                                                           const std::string& endpoint,
                                                           Handler handler) {
  net::SocketOptions options;
  options.max_message_bytes = kMaxRequestBytes;
  options.send_hwm = options.recv_hwm = 1000;
  zmq::socket_t socket = net::make_socket(ctx, zmq::socket_type::router, options);
  const bool ipc = endpoint.rfind("ipc://", 0) == 0;
  const std::string path = ipc ? endpoint.substr(6) : std::string();
  if (ipc) unlink(path.c_str());
  // Only the node's user may talk to it: create the socket file 0600 from the start
  // (umask while binding — ipc binds synchronously in this thread), and chmod to be exact.
  const mode_t old_mask = umask(077);
  try {
    socket.bind(endpoint);
  } catch (const zmq::error_t& e) {
    umask(old_mask);
    return Status::io_error("cannot bind the control socket " + endpoint + ": " + e.what());
  }
  umask(old_mask);
  if (ipc && chmod(path.c_str(), 0600) != 0) {
    return io_status("cannot chmod 0600 the control socket '" + path + "'", errno);
  }
  return std::make_unique<ControlServer>(std::move(socket), std::move(handler));
}

void ControlServer::on_readable() {
  for (int batch = 0; batch < 64; ++batch) {
    std::vector<zmq::message_t> frames;
    if (!zmq::recv_multipart(socket_, std::back_inserter(frames), zmq::recv_flags::dontwait)) {
      return;
    }
    ++requests_;
    if (frames.size() != 2) {
      ++malformed_;
      continue;
    }
    Result<msg::Request> request = msg::decode<msg::Request>(frames[1].to_string_view());
    if (!request) {
      ++malformed_;
      reply(frames[0], msg::make_error(0, request.status()));
      continue;
    }
    msg::Reply answer;
    try {
      answer = handler_(*request);
    } catch (const std::exception& e) {  // the per-message border: never take the node down
      answer = msg::make_error(request->id, Status::internal(std::string("control: ") + e.what()));
    }
    reply(frames[0], answer);
  }
}

void ControlServer::reply(const zmq::message_t& identity, const msg::Reply& reply) {
  const std::string body = msg::encode(reply);
  std::array<zmq::const_buffer, 2> frames{zmq::buffer(identity.data(), identity.size()),
                                          zmq::buffer(body)};
  (void)zmq::send_multipart(socket_, frames, zmq::send_flags::dontwait);
}

}  // namespace bc::node
