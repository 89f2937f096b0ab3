#include "net/request_mux.h"

#include <zmq.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>

#include "messages/codec.h"
#include "net/socket_factory.h"
#include "security/replay_guard.h"

namespace bc::net {
namespace {

std::atomic<std::uint64_t> g_requests{0};
std::atomic<std::uint64_t> g_waits{0};

std::string seconds_text(std::chrono::milliseconds d) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(d.count()) / 1000.0);
  return text;
}

// The id a frame that is no valid reply names, when it names one (a map with an unsigned
// integer `id`): such a frame answers that request, badly.
std::optional<std::uint64_t> id_in(std::string_view frame) {
  auto value = msg::decode_value(frame);
  if (!value.is_ok() || !value->is_map()) return std::nullopt;
  auto id = value->get_int("id");
  if (!id.is_ok() || *id <= 0) return std::nullopt;
  return static_cast<std::uint64_t>(*id);
}

}  // namespace

struct RequestMux::Peer {
  Peer(zmq::context_t& ctx, std::string name_in, std::string endpoint_in, std::string label_in)
      : name(std::move(name_in)),
        endpoint(std::move(endpoint_in)),
        label(std::move(label_in)),
        socket(make_socket(ctx, zmq::socket_type::dealer)) {}

  // "<label>: <message>", or the message alone when it names the endpoint already.
  Status named(const Status& s) const {
    if (label == endpoint && s.message().find(endpoint) != std::string::npos) return s;
    return Status(s.code(), label + ": " + s.message());
  }

  std::string name;
  std::string endpoint;
  std::string label;
  zmq::socket_t socket;
  std::optional<HandshakeWatch> handshake;
  Status setup;      // why the connection cannot be secured, if it cannot
  Status refused;    // the peer refused our key: no reply will ever come
  Status malformed;  // the last frame from the peer that was no valid reply, if any
  TimePoint malformed_at{};
};

RequestMux::RequestMux(zmq::context_t& ctx, const Clock& clock,
                       const security::BusSecurity* security)
    : ctx_(ctx), clock_(clock), security_(security) {}

RequestMux::~RequestMux() = default;

void RequestMux::add_peer(const std::string& peer, const std::string& endpoint,
                          std::string key_name, std::string label) {
  if (has_peer(peer)) return;
  auto p = std::make_unique<Peer>(ctx_, peer, endpoint, label.empty() ? endpoint : label);
  if (security_ != nullptr) {
    p->setup = security_->secure_client(p->socket, key_name.empty() ? peer : key_name);
  }
  if (p->setup.is_ok()) {
    p->handshake.emplace(ctx_, p->socket, security_ != nullptr && security_->enabled());
    p->socket.connect(endpoint);
  }
  peers_.emplace(peer, std::move(p));
}

zmq::socket_t& RequestMux::socket(const std::string& peer) {
  return peers_.at(peer)->socket;
}

Result<std::uint64_t> RequestMux::send(const std::string& peer, std::string_view cmd,
                                       msg::Value args, std::chrono::milliseconds timeout,
                                       Callback callback) {
  auto it = peers_.find(peer);
  if (it == peers_.end()) return Status::not_found("no endpoint for " + peer);
  Peer& p = *it->second;
  msg::Request request;
  request.id = next_id_++;
  request.cmd = std::string(cmd);
  request.args = std::move(args);
  // The wall time the peer's replay guard checks: real time, whatever clock runs deadlines.
  request.ts = SystemClock().wall_us();
  request.nonce = security::make_nonce();
  const TimePoint now = clock_.now();
  Pending pending{peer, request.cmd, now, now + timeout, timeout, std::move(callback), {}};
  if (!p.setup.is_ok()) {
    pending.failed = p.named(p.setup);
  } else if (!p.refused.is_ok()) {
    pending.failed = p.refused;
  } else {
    // DEALER queues while disconnected; dontwait so that a full queue fails the request at
    // its deadline instead of blocking.
    try {
      if (p.socket.send(zmq::buffer(msg::encode(request)), zmq::send_flags::dontwait)) {
        ++sent_;
        ++g_requests;
      }
    } catch (const zmq::error_t&) {
    }
  }
  pending_.emplace(request.id, std::move(pending));
  return request.id;
}

void RequestMux::end(std::uint64_t id, Result<msg::Reply> result, Ended& ended) {
  auto it = pending_.find(id);
  if (it == pending_.end()) return;
  ended.push_back({id, std::move(it->second.callback), std::move(result)});
  pending_.erase(it);
}

void RequestMux::deliver(Ended& ended) {
  // Taken out first: a callback may send new requests, or read and expire again.
  Ended now;
  now.swap(ended);
  for (Ending& e : now) {
    if (e.callback) {
      e.callback(e.result);
    } else {
      results_.insert_or_assign(e.id, std::move(e.result));
    }
  }
}

void RequestMux::read_peer(Peer& peer, Ended& ended) {
  for (;;) {
    zmq::message_t frame;
    if (!peer.socket.recv(frame, zmq::recv_flags::dontwait)) return;
    while (frame.more()) {  // a reply is one frame; extra frames are hostile or a bug
      zmq::message_t extra;
      (void)peer.socket.recv(extra, zmq::recv_flags::none);
      frame.swap(extra);
    }
    auto reply = msg::decode<msg::Reply>(frame.to_string_view());
    if (reply.is_ok()) {
      auto it = pending_.find(reply->id);
      // A reply past its deadline (its request has ended) or to another peer's id: dropped.
      if (it != pending_.end() && it->second.peer == peer.name) end(reply->id, *reply, ended);
      continue;
    }
    ++malformed_;
    const auto id = id_in(frame.to_string_view());
    auto it = id ? pending_.find(*id) : pending_.end();
    if (it != pending_.end() && it->second.peer == peer.name) {
      end(*id,
          Status(ErrorCode::kBadMessage, peer.label + " sent a malformed reply to '" +
                                             it->second.cmd + "': " + reply.status().message()),
          ended);
      continue;
    }
    peer.malformed = reply.status();
    peer.malformed_at = clock_.now();
  }
}

void RequestMux::check_refused(Peer& peer, Ended& ended) {
  if (!peer.refused.is_ok() || !peer.handshake) return;
  const Status refused = peer.handshake->check(peer.endpoint);
  if (refused.is_ok()) return;
  peer.refused = peer.named(refused);
  std::vector<std::uint64_t> ids;
  for (const auto& [id, p] : pending_) {
    if (p.peer == peer.name) ids.push_back(id);
  }
  for (std::uint64_t id : ids)
    end(id, peer.refused, ended);
}

Status RequestMux::deadline_status(const Pending& p) const {
  const Peer& peer = *peers_.at(p.peer);
  if (!peer.malformed.is_ok() && peer.malformed_at >= p.sent) {
    return Status(ErrorCode::kBadMessage,
                  peer.label + " sent no valid reply to '" + p.cmd + "' within " +
                      seconds_text(p.timeout) +
                      "; it sent a malformed one: " + peer.malformed.message());
  }
  return Status::unreachable(peer.label + " did not answer within " + seconds_text(p.timeout));
}

void RequestMux::read(const std::string& peer) {
  auto it = peers_.find(peer);
  if (it == peers_.end()) return;
  Ended ended;
  read_peer(*it->second, ended);
  deliver(ended);
}

void RequestMux::expire() {
  Ended ended;
  for (auto& [name, peer] : peers_)
    check_refused(*peer, ended);
  const TimePoint now = clock_.now();
  std::vector<std::pair<std::uint64_t, Status>> due;
  for (const auto& [id, p] : pending_) {
    if (!p.failed.is_ok()) {
      due.emplace_back(id, p.failed);
    } else if (p.deadline <= now) {
      due.emplace_back(id, deadline_status(p));
    }
  }
  for (auto& [id, status] : due)
    end(id, std::move(status), ended);
  deliver(ended);
}

std::optional<RequestMux::TimePoint> RequestMux::next_deadline() const {
  std::optional<TimePoint> next;
  for (const auto& [id, p] : pending_) {
    const TimePoint when = p.failed.is_ok() ? p.deadline : p.sent;
    if (!next || when < *next) next = when;
  }
  return next;
}

std::vector<std::pair<std::string, zmq::socket_t*>> RequestMux::sockets() {
  std::vector<std::pair<std::string, zmq::socket_t*>> out;
  for (auto& [name, peer] : peers_)
    out.emplace_back(name, &peer->socket);
  return out;
}

bool RequestMux::turn(std::optional<TimePoint> until) {
  if (interrupt_ && interrupt_()) return false;
  std::vector<zmq::pollitem_t> items;
  for (auto& [name, peer] : peers_) {
    items.push_back({peer->socket.handle(), 0, ZMQ_POLLIN, 0});
    // A peer that refuses our key closes the handshake: its monitor says so at once.
    if (peer->handshake && peer->handshake->monitor() != nullptr && peer->refused.is_ok())
      items.push_back({peer->handshake->monitor()->handle(), 0, ZMQ_POLLIN, 0});
  }
  std::optional<TimePoint> wake = next_deadline();
  if (until && (!wake || *until < *wake)) wake = until;
  long timeout_ms = -1;
  if (wake) {
    const auto left = *wake - clock_.now();
    // Rounded up: a poll that wakes just before the deadline would only spin.
    timeout_ms = std::max<long>(
        0, static_cast<long>(std::chrono::ceil<std::chrono::milliseconds>(left).count()));
  }
  try {
    zmq::poll(items.data(), items.size(), std::chrono::milliseconds(timeout_ms));
  } catch (const zmq::error_t& e) {
    // A signal handler without SA_RESTART (the shell's Ctrl-C): the check decides.
    if (e.num() != EINTR) throw;
    if (interrupt_ && interrupt_()) return false;
  }
  Ended ended;
  for (auto& [name, peer] : peers_)
    read_peer(*peer, ended);
  deliver(ended);
  expire();
  return true;
}

Result<msg::Reply> RequestMux::wait(std::uint64_t id,
                                    std::optional<std::chrono::milliseconds> within) {
  const std::optional<TimePoint> limit =
      within ? std::optional<TimePoint>(clock_.now() + *within) : std::nullopt;
  if (pending_.count(id) != 0) ++g_waits;
  for (;;) {
    if (auto done = take(id)) return std::move(*done);
    auto it = pending_.find(id);
    if (it == pending_.end()) return Status::not_found("no request " + std::to_string(id));
    const Peer& peer = *peers_.at(it->second.peer);
    if (limit && clock_.now() >= *limit) {
      return Status::unreachable(peer.label + " did not answer within " + seconds_text(*within));
    }
    if (!turn(limit)) {
      return Status(ErrorCode::kCancelled, "waiting for " + peer.label + " was interrupted");
    }
  }
}

Status RequestMux::wait_all() {
  if (!pending_.empty()) ++g_waits;
  while (!pending_.empty()) {
    if (!turn(std::nullopt)) return Status(ErrorCode::kCancelled, "the wait was interrupted");
  }
  return Status::ok();
}

Result<msg::Reply> RequestMux::call(const std::string& peer, std::string_view cmd, msg::Value args,
                                    std::chrono::milliseconds timeout) {
  auto id = send(peer, cmd, std::move(args), timeout);
  if (!id.is_ok()) return id.status();
  return wait(*id);
}

std::optional<Result<msg::Reply>> RequestMux::take(std::uint64_t id) {
  auto it = results_.find(id);
  if (it == results_.end()) return std::nullopt;
  Result<msg::Reply> result = std::move(it->second);
  results_.erase(it);
  return result;
}

void RequestMux::abandon(std::uint64_t id, const Status& why) {
  Ended ended;
  end(id, why, ended);
  deliver(ended);
}

MuxTraffic process_traffic() {
  return {g_requests.load(), g_waits.load()};
}

Result<msg::Reply> call_once(zmq::context_t& ctx, const std::string& endpoint,
                             const security::BusSecurity* security, const std::string& key_name,
                             std::string_view cmd, msg::Value args,
                             std::chrono::milliseconds timeout,
                             std::function<bool()> interrupt_check) {
  const SystemClock clock;
  RequestMux mux(ctx, clock, security);
  mux.set_interrupt_check(std::move(interrupt_check));
  mux.add_peer(endpoint, endpoint, key_name);
  return mux.call(endpoint, cmd, std::move(args), timeout);
}

}  // namespace bc::net
