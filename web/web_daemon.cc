#include "web/web_daemon.h"

#include <spdlog/spdlog.h>
#include <charconv>

#include "messages/codec.h"
#include "net/socket_factory.h"
#include "web/metrics.h"
#include "web/service_discovery.h"
#include "web/stats_history.h"

namespace bc::web {
namespace {

// Events read per wake-up before the HTTP side gets its turn.
constexpr int kBusBatch = 512;
// How often open event streams get the hosts' state (up, heartbeat age).
constexpr std::chrono::seconds kHostsEvery{2};

HttpReply json_reply(const msg::Value& v, int status = 200) {
  return {status, "application/json", msg::to_json(v) + "\n", false};
}

HttpReply error_reply(int status, const std::string& message) {
  return json_reply(msg::Value::empty_map().set("error", message), status);
}

std::optional<std::uint64_t> to_uint(const std::string& s) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

constexpr const char* kCollectorPeer = "collector";

}  // namespace

WebDaemon::WebDaemon(zmq::context_t& ctx, WebOptions options, const Clock& clock)
    : options_(std::move(options)),
      clock_(clock),
      sub_(net::make_socket(ctx, zmq::socket_type::sub)),
      collector_(ctx, clock, options_.security.get()),
      server_(
          options_.http, [this](const HttpRequest& req) { return handle(req); }, clock),
      ring_(options_.ring_capacity),
      start_us_(clock.wall_us()) {
  collector_.add_peer(kCollectorPeer, options_.collector_endpoint,
                      std::string(security::kBrokerKeyName), "the collector");
}

Status WebDaemon::start() {
  if (Status s = server_.listen(); !s.is_ok()) return s;
  if (options_.security) {
    if (Status s = options_.security->secure_client(sub_, std::string(security::kBrokerKeyName));
        !s.is_ok()) {
      return s;
    }
  }
  try {
    sub_.connect(options_.bus_endpoint);
  } catch (const zmq::error_t& e) {
    return Status::io_error("cannot connect to " + options_.bus_endpoint + ": " + e.what());
  }
  sub_.set(zmq::sockopt::subscribe, "");
  // The first snapshot waits for the bus's first event: then the subscription is in place
  // and no event after the snapshot can be missed (the Clone pattern). Without any event,
  // it is asked for anyway after CommTimeout.
  next_snapshot_ = clock_.now() + options_.comm_timeout;
  return Status::ok();
}

void WebDaemon::publish(const std::string& type, const std::string& json) {
  const StreamEvent& e = ring_.push(type, json);
  if (server_.streams() > 0) server_.broadcast(sse_frame(e.id, e.type, e.data));
}

void WebDaemon::feed(std::string_view topic, std::string_view body) {
  if (!heard_bus_) {
    heard_bus_ = true;
    next_snapshot_ = std::min(next_snapshot_, clock_.now());
  }
  const ClusterState::Outcome out = state_.apply_event(topic, body);
  if (out.gap && !snapshot_id_) want_snapshot_ = true;
  // Heartbeats are not streamed (a few per second per host): a `hosts` summary is, every
  // kHostsEvery while anyone listens.
  if (!out.applied || out.type == msg::Heartbeat::kType) return;
  if (auto json = msg::event_to_json(body); json.is_ok()) publish(out.type, *json);
}

void WebDaemon::read_bus() {
  for (int i = 0; i < kBusBatch; ++i) {
    zmq::message_t topic, body;
    if (!sub_.recv(topic, zmq::recv_flags::dontwait)) return;
    if (!topic.more()) continue;
    (void)sub_.recv(body, zmq::recv_flags::none);
    while (body.more())
      (void)sub_.recv(body, zmq::recv_flags::none);  // not ours: dropped
    feed(topic.to_string_view(), body.to_string_view());
  }
}

void WebDaemon::request_snapshot() {
  want_snapshot_ = false;
  auto id =
      collector_.send(kCollectorPeer, "snapshot", msg::Value::empty_map(), options_.comm_timeout,
                      [this](const Result<msg::Reply>& reply) { on_snapshot(reply); });
  if (id.is_ok()) snapshot_id_ = *id;
}

// The collector's answer, or why there is none (no answer within CommTimeout, a refused
// key, a malformed reply): then asked again after resync_retry.
void WebDaemon::on_snapshot(const Result<msg::Reply>& reply) {
  snapshot_id_.reset();
  const Status failed = !reply.is_ok() ? reply.status()
                        : !reply->ok   ? msg::reply_status(*reply)
                                       : Status::ok();
  if (!failed.is_ok()) {
    ++snapshot_failures_;
    spdlog::warn("no snapshot from the collector ({}): {}; asking again",
                 options_.collector_endpoint, failed.message());
    want_snapshot_ = true;
    next_snapshot_ = clock_.now() + options_.resync_retry;
    return;
  }
  const std::int64_t now_us = clock_.wall_us();
  state_.apply_snapshot(reply->result.value_or(msg::Value::empty_map()), now_us);
  spdlog::info("applied the collector's snapshot: {} hosts, {} nodes", state_.hosts().size(),
               state_.nodes().size());
  publish("snapshot", msg::to_json(state_.to_value(now_us)));
}

void WebDaemon::check_snapshot_deadline() {
  collector_.expire();  // a snapshot past CommTimeout ends in on_snapshot
  if (want_snapshot_ && !snapshot_id_ && clock_.now() >= next_snapshot_) request_snapshot();
}

void WebDaemon::run() {
  std::vector<zmq::pollitem_t> items;
  while (!stop_.load()) {
    items.clear();
    items.push_back({sub_.handle(), 0, ZMQ_POLLIN, 0});
    items.push_back({collector_.socket(kCollectorPeer).handle(), 0, ZMQ_POLLIN, 0});
    const std::size_t http_first = items.size();
    server_.add_poll_items(items);
    auto wait = server_.next_wait(server_.streams() > 0 ? std::chrono::milliseconds(kHostsEvery)
                                                        : std::chrono::milliseconds(1000));
    if (want_snapshot_ && !snapshot_id_) {
      wait = std::min(
          wait, std::chrono::duration_cast<std::chrono::milliseconds>(std::max(
                    next_snapshot_ - clock_.now(), std::chrono::steady_clock::duration::zero())));
    }
    if (auto deadline = collector_.next_deadline()) {
      wait = std::min(wait,
                      std::chrono::duration_cast<std::chrono::milliseconds>(std::max(
                          *deadline - clock_.now(), std::chrono::steady_clock::duration::zero())));
    }
    try {
      zmq::poll(items.data(), items.size(), wait);
    } catch (const zmq::error_t& e) {
      if (e.num() != EINTR) throw;
      continue;
    }
    if (items[0].revents & ZMQ_POLLIN) read_bus();
    if (items[1].revents & ZMQ_POLLIN) collector_.read(kCollectorPeer);
    check_snapshot_deadline();
    server_.on_poll(items, http_first);
    if (server_.streams() > 0 && clock_.now() >= next_hosts_event_) {
      next_hosts_event_ = clock_.now() + kHostsEvery;
      publish("hosts", msg::to_json(state_.hosts_value(clock_.wall_us())));
    }
  }
  spdlog::info("stopping: {} requests served, {} refused, {} timed out",
               server_.counters().requests, server_.counters().refused,
               server_.counters().timed_out);
}

HttpReply WebDaemon::handle(const HttpRequest& req) {
  if (req.path == "/metrics") return metrics();
  if (req.path == "/services.json") return services();
  if (req.path == "/api/v1/snapshot") return json_reply(state_.to_value(clock_.wall_us()));
  if (req.path == "/api/v1/history") return history(req);
  if (req.path == "/api/v1/events") return events(req);
  if (req.path == "/healthz") return {200, "text/plain; charset=utf-8", "ok\n", false};
  if (req.path == "/") return index();
  return error_reply(404, "no such page: " + req.path);
}

HttpReply WebDaemon::metrics() {
  WebSelfStats self;
  self.start_us = start_us_;
  self.http = server_.counters();
  self.clients = server_.clients();
  self.streams = server_.streams();
  self.snapshot_failures = snapshot_failures_;
  return {200, std::string(kMetricsContentType), render_metrics(state_, self), false};
}

HttpReply WebDaemon::events(const HttpRequest& req) {
  std::string last;
  if (auto it = req.headers.find("last-event-id"); it != req.headers.end()) last = it->second;
  if (auto it = req.query.find("last_event_id"); last.empty() && it != req.query.end())
    last = it->second;
  HttpReply reply{200, "text/event-stream; charset=utf-8", "retry: 2000\n\n", true};
  if (!last.empty()) {
    if (auto id = to_uint(last)) {
      if (auto missed = ring_.after(*id)) {
        for (const StreamEvent* e : *missed)
          reply.body += sse_frame(e->id, e->type, e->data);
        return reply;
      }
    }
  }
  // A new client, or one the ring cannot catch up: the whole state, as of the last id.
  reply.body +=
      sse_frame(ring_.last_id(), "snapshot", msg::to_json(state_.to_value(clock_.wall_us())));
  return reply;
}

HttpReply WebDaemon::history(const HttpRequest& req) {
  auto node = req.query.find("node");
  if (node == req.query.end() || node->second.empty())
    return error_reply(400, "history needs ?node=<name>");
  double since = 0;
  if (auto it = req.query.find("since"); it != req.query.end()) {
    const std::string& s = it->second;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), since);
    if (ec != std::errc() || end != s.data() + s.size())
      return error_reply(400, "since=" + s + " is not a Unix time in seconds");
  }
  auto h = read_history(options_.stats_log, node->second, since);
  if (!h.is_ok()) return error_reply(500, h.status().message());
  return json_reply(*h);
}

std::string WebDaemon::web_target() const {
  std::string address = options_.http.address;
  if (address == "0.0.0.0" && options_.cluster != nullptr)
    address = options_.cluster->options.get("BrokerHost");
  return address + ":" + std::to_string(server_.port());
}

HttpReply WebDaemon::services() {
  if (options_.cluster == nullptr)
    return json_reply(service_groups({{web_target(), "", "", "brocluster"}}));
  return json_reply(service_groups(scrape_targets(*options_.cluster, web_target())));
}

HttpReply WebDaemon::index() {
  std::string body =
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>BroCluster</title>"
      "</head><body><h1>BroCluster</h1><ul>"
      "<li><a href=\"/metrics\">/metrics</a> (Prometheus)</li>"
      "<li><a href=\"/services.json\">/services.json</a> (Prometheus HTTP SD)</li>"
      "<li><a href=\"/api/v1/snapshot\">/api/v1/snapshot</a></li>"
      "<li><a href=\"/api/v1/events\">/api/v1/events</a> (Server-Sent Events)</li>"
      "</ul></body></html>\n";
  return {200, "text/html; charset=utf-8", std::move(body), false};
}

}  // namespace bc::web
