#include "supervisor/node_control.h"

#include <spdlog/spdlog.h>
#include <chrono>

#include "messages/codec.h"

namespace bc::sup {

NodeControlProxy::NodeControlProxy(zmq::context_t& ctx, TimerQueue& timers)
    : ctx_(ctx), timers_(timers) {}

NodeControlProxy::~NodeControlProxy() {
  for (auto& [key, r] : requests_)
    timers_.cancel(r.timer);
}

Status NodeControlProxy::start(const std::string& node, const std::string& node_dir,
                               std::uint64_t client_id, const std::string& cmd,
                               const msg::Value& args, TimePoint deadline, long timeout_ms,
                               Responder respond) {
  if (requests_.size() >= kMaxInFlight) {
    return Status(ErrorCode::kBusy, "too many node control requests in flight (" +
                                        std::to_string(kMaxInFlight) + "); try again");
  }
  const std::uint64_t key = next_key_++;
  msg::Request request;
  request.id = key;
  request.cmd = cmd;
  request.args = args.is_nil() ? msg::Value::empty_map() : args;
  request.ts = std::chrono::duration_cast<std::chrono::microseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
  InFlight r;
  r.node = node;
  r.client_id = client_id;
  r.wire_id = key;
  r.timeout_ms = timeout_ms;
  r.respond = std::move(respond);
  try {
    r.socket = zmq::socket_t(ctx_, zmq::socket_type::dealer);
    r.socket.set(zmq::sockopt::linger, 0);
    r.socket.set(zmq::sockopt::maxmsgsize, kMaxReplyBytes);
    r.socket.connect("ipc://" + node_dir + "/.control");
    const std::string body = msg::encode(request);
    if (!r.socket.send(zmq::buffer(body), zmq::send_flags::dontwait)) {
      return Status(ErrorCode::kBusy, node + ": control request could not be queued");
    }
  } catch (const zmq::error_t& e) {
    return Status::io_error(node + ": cannot reach the control endpoint: " + e.what());
  }
  r.timer = timers_.schedule(deadline, [this, key] { expire(key); });
  requests_.emplace(key, std::move(r));
  return Status::ok();
}

void NodeControlProxy::poll_items(std::vector<zmq::pollitem_t>& items) {
  polled_.clear();
  for (auto& [key, r] : requests_) {
    items.push_back({r.socket.handle(), 0, ZMQ_POLLIN, 0});
    polled_.push_back(key);
  }
}

void NodeControlProxy::on_readable(const zmq::pollitem_t* items, std::size_t count) {
  for (std::size_t i = 0; i < count && i < polled_.size(); ++i) {
    if ((items[i].revents & ZMQ_POLLIN) == 0) continue;
    // A command handled earlier in this loop turn cannot end a request, but stay safe.
    auto it = requests_.find(polled_[i]);
    if (it == requests_.end()) continue;
    InFlight& r = it->second;
    zmq::message_t frame;
    Result<msg::Reply> reply = Status::bad_message("no reply");
    try {
      if (!r.socket.recv(frame, zmq::recv_flags::dontwait)) continue;
      // A multipart answer is not the protocol: wait on for a proper one or the deadline.
      if (frame.more()) {
        while (frame.more() && r.socket.recv(frame, zmq::recv_flags::dontwait)) {
        }
        continue;
      }
      reply = msg::decode<msg::Reply>(frame.to_string_view());
    } catch (const zmq::error_t& e) {
      spdlog::warn("node {}: control reply not read: {}", r.node, e.what());
      continue;
    }
    if (!reply.is_ok()) {
      finish(polled_[i],
             msg::make_error(r.client_id, Status::bad_message(r.node + ": malformed reply: " +
                                                              reply.status().message())));
      continue;
    }
    if (reply->id != r.wire_id) continue;  // not ours (a garbage-frame answer has id 0)
    msg::Reply out = std::move(*reply);
    out.id = r.client_id;
    finish(polled_[i], out);
  }
}

void NodeControlProxy::expire(std::uint64_t key) {
  auto it = requests_.find(key);
  if (it == requests_.end()) return;
  it->second.timer = 0;  // fired
  const InFlight& r = it->second;
  finish(key, msg::make_error(r.client_id, Status::timeout(r.node + " did not answer within " +
                                                           std::to_string(r.timeout_ms) + " ms")));
}

void NodeControlProxy::finish(std::uint64_t key, const msg::Reply& reply) {
  auto it = requests_.find(key);
  if (it == requests_.end()) return;
  // Out of the table before the responder runs: it may start another request.
  InFlight r = std::move(it->second);
  requests_.erase(it);
  timers_.cancel(r.timer);
  r.respond(reply);
}

}  // namespace bc::sup
