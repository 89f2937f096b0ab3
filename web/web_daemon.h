#pragma once
// brocluster-web: a read-only window on the cluster over HTTP. It holds a monitor key, so
// it can subscribe to the bus and ask the collector for `snapshot`, never send a command
// (security/command_policy.cc). It starts from the collector's snapshot, applies the bus
// events newer than it, and takes a new snapshot after a sequence gap. It serves
// /metrics (Prometheus), /services.json (Prometheus HTTP SD), /api/v1/snapshot,
// /api/v1/history and /api/v1/events (Server-Sent Events) from that one state, on one
// thread, through HttpServer's bounded, deadline-bound connections: nothing a browser does
// can hold up the bus intake, and nothing here is in the repair path (the collector
// repairs; this only watches). The live page (/) is rendered from the same state.
// Owns its sockets; run() on one thread; stop() from a signal handler.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <zmq.hpp>

#include "common/clock.h"
#include "common/status.h"
#include "config/cluster.h"
#include "net/request_mux.h"
#include "security/bus_security.h"
#include "web/cluster_state.h"
#include "web/event_ring.h"
#include "web/http_server.h"

namespace bc::web {

struct WebOptions {
  std::string bus_endpoint;        // the broker's XPUB
  std::string collector_endpoint;  // the collector's ROUTER
  HttpServerOptions http;
  std::chrono::milliseconds comm_timeout{10000};          // for a snapshot answer
  std::chrono::milliseconds resync_retry{2000};           // after a snapshot that did not come
  std::string stats_log;                                  // for /api/v1/history
  std::size_t ring_capacity = 4096;                       // events kept for Last-Event-ID
  std::shared_ptr<const security::BusSecurity> security;  // the "web" key; plain when null
  const config::Cluster* cluster = nullptr;               // for /services.json
};

class WebDaemon {
 public:
  WebDaemon(zmq::context_t& ctx, WebOptions options, const Clock& clock);

  // Listens (HTTP) and connects to the bus and the collector; kIo naming what failed.
  Status start();
  void run();
  void stop() { stop_.store(true); }
  int port() const { return server_.port(); }

  // The answer to one request (what the server sends; for tests and bench).
  HttpReply handle(const HttpRequest& req);
  // Feeds one bus event as if it came from the bus (bench's fake cluster).
  void feed(std::string_view topic, std::string_view body);
  ClusterState& state() { return state_; }

 private:
  void read_bus();
  void on_snapshot(const Result<msg::Reply>& reply);
  void request_snapshot();
  void check_snapshot_deadline();
  void publish(const std::string& type, const std::string& json);
  HttpReply metrics();
  HttpReply events(const HttpRequest& req);
  HttpReply history(const HttpRequest& req);
  HttpReply services();
  HttpReply index();
  std::string web_target() const;

  WebOptions options_;
  const Clock& clock_;
  zmq::socket_t sub_;
  net::RequestMux collector_;  // one peer, "collector"
  HttpServer server_;
  ClusterState state_;
  EventRing ring_;
  std::optional<std::uint64_t> snapshot_id_;               // in flight
  std::chrono::steady_clock::time_point next_snapshot_{};  // when to ask (again)
  std::chrono::steady_clock::time_point next_hosts_event_{};
  bool want_snapshot_ = true;
  bool heard_bus_ = false;  // an event came: the subscription is in place
  std::uint64_t snapshot_failures_ = 0;
  std::int64_t start_us_ = 0;
  std::atomic<bool> stop_{false};
};

}  // namespace bc::web
