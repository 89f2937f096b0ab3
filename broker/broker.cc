#include "broker/broker.h"

#include <unistd.h>

#include <spdlog/spdlog.h>

#include <zmq.h>
#include "common/strings.h"

#include "common/version.h"
#include "messages/codec.h"
#include "messages/event_head.h"
#include "messages/heartbeat.h"
#include "net/socket_factory.h"

namespace bc::broker {
namespace {

net::SocketOptions bus_options(int hwm) {
  net::SocketOptions o;
  o.send_hwm = hwm;
  o.recv_hwm = hwm;
  return o;
}

// Reads the rest of a multipart message so the next read starts at a message boundary.
void discard_rest(zmq::socket_t& socket) {
  while (socket.get(zmq::sockopt::rcvmore) != 0) {
    zmq::message_t part;
    (void)socket.recv(part, zmq::recv_flags::none);
  }
}

}  // namespace

Broker::Broker(zmq::context_t& ctx, BrokerOptions options, const Clock& clock)
    : options_(std::move(options)),
      clock_(clock),
      in_(net::make_socket(ctx, zmq::socket_type::xsub, bus_options(options_.hwm))),
      out_(net::make_socket(ctx, zmq::socket_type::xpub, bus_options(options_.hwm))),
      started_(clock.now()) {
  if (options_.security && options_.security->enabled()) {
    origins_ = std::make_unique<OriginTable>(options_.security->keys_dir(), options_.host);
  }
}

Status Broker::bind() {
  if (options_.security) {
    options_.security->secure_server(in_, security::kDomainBusIn);
    options_.security->secure_server(out_, security::kDomainBusOut);
  }
  for (auto [socket, endpoint] : {std::pair{&in_, &options_.pub_in}, {&out_, &options_.sub_out}}) {
    try {
      socket->bind(*endpoint);
    } catch (const zmq::error_t& e) {
      return Status::io_error("cannot bind " + *endpoint + ": " + e.what());
    }
  }
  return Status::ok();
}

bool Broker::forward_event() {
  zmq::message_t topic, body;
  if (!in_.recv(topic, zmq::recv_flags::dontwait)) return false;
  if (!topic.more()) {
    ++counters_.malformed;
    return true;
  }
  (void)in_.recv(body, zmq::recv_flags::none);
  if (body.more()) {
    discard_rest(in_);
    ++counters_.malformed;
    return true;
  }
  if (origins_ && !origin_allowed(topic, body)) return true;
  // XPUB drops per subscriber at its high-water mark without telling us; what we can
  // see is a send refused outright.
  if (!out_.send(topic, zmq::send_flags::sndmore | zmq::send_flags::dontwait) ||
      !out_.send(body, zmq::send_flags::dontwait)) {
    ++counters_.dropped;
    return true;
  }
  ++counters_.forwarded;
  return true;
}

bool Broker::origin_allowed(const zmq::message_t& topic, const zmq::message_t& body) {
  // The User-Id the ZAP handler gave the connection: the public key, unforgeable.
  const char* user_id = zmq_msg_gets(topic.handle(), "User-Id");
  const std::string_view topic_text = topic.to_string_view();
  const Origin* origin = user_id == nullptr ? nullptr : origins_->find(user_id);
  std::optional<std::string> why;
  if (origin == nullptr) {
    why = "its key is not listed (revoked)";
  } else {
    auto head = msg::peek_head(body.to_string_view());
    why = head.is_ok() ? origin_violation(*origin, topic_text, *head)
                       : "undecodable body: " + head.status().message();
  }
  if (!why) return true;
  ++counters_.forged;
  log_forged(origin == nullptr ? std::string_view("?") : origin->key, topic_text, *why);
  return false;
}

void Broker::log_forged(std::string_view key, std::string_view topic, const std::string& why) {
  std::uint64_t unlogged = 0;
  if (!forged_log_.allow(clock_.now(), unlogged)) return;
  spdlog::warn(
      "dropped an event on '{}' from key '{}': {} ({} forged in all; {} more since the "
      "last line)",
      printable(topic), key, why, counters_.forged, unlogged);
}

bool Broker::forward_subscription() {
  zmq::message_t sub;
  if (!out_.recv(sub, zmq::recv_flags::dontwait)) return false;
  if (sub.more()) {
    discard_rest(out_);
    return true;
  }
  (void)in_.send(sub, zmq::send_flags::dontwait);
  ++counters_.subscriptions;
  return true;
}

void Broker::publish_heartbeat() {
  msg::Heartbeat hb;
  msg::stamp(hb, options_.host, ++seq_, clock_.wall_us());
  hb.role = "broker";
  hb.pid = getpid();
  hb.uptime_s = std::chrono::duration<double>(clock_.now() - started_).count();
  hb.interval_ms = static_cast<std::uint32_t>(options_.heartbeat_interval.count());
  hb.counters = {{"forwarded", counters_.forwarded},
                 {"dropped", counters_.dropped},
                 {"malformed", counters_.malformed},
                 {"subscriptions", counters_.subscriptions},
                 {"forged", counters_.forged}};
  hb.software = kVersion;
  const std::string topic = msg::topic_for(hb);
  const std::string body = msg::encode(hb);
  if (!out_.send(zmq::buffer(topic), zmq::send_flags::sndmore | zmq::send_flags::dontwait) ||
      !out_.send(zmq::buffer(body), zmq::send_flags::dontwait)) {
    ++counters_.dropped;
  }
}

void Broker::run() {
  auto next_heartbeat = clock_.now();
  if (origins_) origins_->refresh();
  // Drain in batches per wake-up: at high rates one poll per message would dominate.
  constexpr int kBatch = 512;
  while (!stop_.load()) {
    const auto now = clock_.now();
    if (now >= next_heartbeat) {
      if (origins_) origins_->refresh();  // an install may have revoked a key
      publish_heartbeat();
      next_heartbeat = now + options_.heartbeat_interval;
    }
    zmq::pollitem_t items[] = {{in_.handle(), 0, ZMQ_POLLIN, 0}, {out_.handle(), 0, ZMQ_POLLIN, 0}};
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_heartbeat - now);
    try {
      zmq::poll(items, 2, std::min(wait, std::chrono::milliseconds(200)));
    } catch (const zmq::error_t& e) {
      if (e.num() != EINTR) throw;
      continue;
    }
    // Read until EAGAIN rather than asking ZMQ_EVENTS per message: that getsockopt
    // processes the socket's command mailbox unthrottled, a poll(2) and a getpid(2) each
    // time, which halved the throughput (docs/perf/cluster.md).
    if (items[1].revents & ZMQ_POLLIN) {
      for (int i = 0; i < kBatch && forward_subscription(); ++i) {
      }
    }
    if (items[0].revents & ZMQ_POLLIN) {
      for (int i = 0; i < kBatch && forward_event(); ++i) {
      }
    }
  }
  spdlog::info("stopping: forwarded={} dropped={} malformed={} forged={}", counters_.forwarded,
               counters_.dropped, counters_.malformed, counters_.forged);
}

}  // namespace bc::broker
