#include "net/request_client.h"

#include <unistd.h>
#include <zmq.h>

#include <cerrno>

#include "common/clock.h"
#include "messages/codec.h"
#include "net/socket_factory.h"
#include "security/replay_guard.h"

namespace bc::net {

RequestClient::RequestClient(zmq::context_t& ctx, std::string endpoint,
                             const security::BusSecurity* security, const std::string& server)
    : socket_(make_socket(ctx, zmq::socket_type::dealer)), endpoint_(std::move(endpoint)) {
  if (security != nullptr) setup_ = security->secure_client(socket_, server);
  if (!setup_.is_ok()) return;
  handshake_.emplace(ctx, socket_, security != nullptr && security->enabled());
  socket_.connect(endpoint_);
}

bool RequestClient::check_refused() {
  if (!refused_.is_ok()) return true;
  if (!handshake_) return false;
  refused_ = handshake_->check(endpoint_);
  return !refused_.is_ok();
}

std::uint64_t RequestClient::send(std::string_view cmd, msg::Value args) {
  msg::Request request;
  request.id = next_id_++;
  request.cmd = std::string(cmd);
  request.args = std::move(args);
  request.ts = SystemClock().wall_us();
  request.nonce = security::make_nonce();
  const std::string body = msg::encode(request);
  // DEALER queues while disconnected; dontwait so a full queue fails the request instead
  // of blocking (the wait then reports the server unreachable).
  try {
    (void)socket_.send(zmq::buffer(body), zmq::send_flags::dontwait);
  } catch (const zmq::error_t&) {
  }
  return request.id;
}

std::optional<Result<msg::Reply>> RequestClient::read_reply(zmq::recv_flags flags) {
  zmq::message_t frame;
  if (!socket_.recv(frame, flags)) return std::nullopt;
  while (frame.more()) {  // a reply is one frame; extra frames are hostile or a bug
    zmq::message_t extra;
    (void)socket_.recv(extra, zmq::recv_flags::none);
    frame.swap(extra);
  }
  auto reply = msg::decode<msg::Reply>(frame.to_string_view());
  if (!reply.is_ok()) ++malformed_;
  return reply;
}

std::vector<msg::Reply> RequestClient::receive_all() {
  std::vector<msg::Reply> out;
  while (auto reply = read_reply(zmq::recv_flags::dontwait)) {
    if (reply->is_ok()) out.push_back(std::move(**reply));
  }
  return out;
}

void RequestClient::drain() {
  for (msg::Reply& reply : receive_all())
    inbox_[reply.id] = std::move(reply);
}

std::optional<msg::Reply> RequestClient::take(std::uint64_t id) {
  auto it = inbox_.find(id);
  if (it == inbox_.end()) return std::nullopt;
  msg::Reply reply = std::move(it->second);
  inbox_.erase(it);
  return reply;
}

Result<msg::Reply> RequestClient::wait(std::uint64_t id, std::chrono::milliseconds timeout) {
  if (!setup_.is_ok()) return setup_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    drain();
    if (auto reply = take(id)) return std::move(*reply);
    if (check_refused()) return refused_;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    zmq::pollitem_t items[2] = {{socket_.handle(), 0, ZMQ_POLLIN, 0},
                                {monitor() ? monitor()->handle() : nullptr, 0, ZMQ_POLLIN, 0}};
    try {
      zmq::poll(items, monitor() ? 2 : 1, left);
    } catch (const zmq::error_t& e) {
      // A signal handler without SA_RESTART (the shell's Ctrl-C): the caller decides.
      if (e.num() != EINTR) throw;
      return Status(ErrorCode::kCancelled, "waiting for " + endpoint_ + " was interrupted");
    }
  }
  return Status::unreachable("no reply from " + endpoint_ + " within " +
                             std::to_string(timeout.count()) + " ms");
}

Result<msg::Reply> RequestClient::call(std::string_view cmd, msg::Value args,
                                       std::chrono::milliseconds timeout) {
  return wait(send(cmd, std::move(args)), timeout);
}

}  // namespace bc::net
