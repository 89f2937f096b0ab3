#pragma once
// A small HTTP/1.1 server for brocluster-web, driven by the daemon's own zmq::poll loop
// (no thread of its own): GET only, one request per connection (`Connection: close`), and
// long-lived Server-Sent Event streams. It is built to be harmless to the daemon that hosts
// it: at most `max_clients` connections (one more is answered 503 and closed), every
// connection has a deadline to send its request head (`request_timeout`) and to take what
// it is sent (`write_timeout`: a client that stops reading is closed), and every buffer is
// bounded. Owned by the daemon's thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "common/clock.h"
#include "common/status.h"

namespace bc::web {

struct HttpRequest {
  std::string method;                          // "GET"
  std::string path;                            // without the query
  std::map<std::string, std::string> query;    // decoded ?a=b&c=d
  std::map<std::string, std::string> headers;  // names in lower case
};

struct HttpReply {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  // A Server-Sent Events stream: the head and `body` are sent, the connection stays open
  // and receives every later broadcast().
  bool stream = false;
};

struct HttpServerOptions {
  std::string address = "127.0.0.1";
  int port = 7764;
  std::size_t max_clients = 32;
  std::chrono::milliseconds request_timeout{5000};
  std::chrono::milliseconds write_timeout{10000};
  // A stream that has this much unsent is too slow for the events: closed.
  std::size_t max_pending_bytes = 1 << 20;
  // A comment line on idle streams, so that proxies and browsers keep them open.
  std::chrono::milliseconds keepalive{15000};
};

struct HttpCounters {
  std::uint64_t requests = 0;
  std::uint64_t refused = 0;    // over max_clients
  std::uint64_t timed_out = 0;  // request head or write deadline missed
  std::uint64_t bad = 0;        // unparsable request head
};

class HttpServer {
 public:
  using Handler = std::function<HttpReply(const HttpRequest&)>;

  HttpServer(HttpServerOptions options, Handler handler, const Clock& clock);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens; kIo naming address and port when it cannot.
  Status listen();
  // The port bound (the one asked for, or the kernel's choice for port 0).
  int port() const { return bound_port_; }

  // Appends the server's poll items (listening socket and every connection).
  void add_poll_items(std::vector<zmq::pollitem_t>& items) const;
  // Handles what poll reported on the items add_poll_items() added (starting at `first`),
  // and every deadline that has passed.
  void on_poll(const std::vector<zmq::pollitem_t>& items, std::size_t first);
  // How long until the next connection deadline, at most `cap`.
  std::chrono::milliseconds next_wait(std::chrono::milliseconds cap) const;

  // Queues `text` on every open event stream.
  void broadcast(const std::string& text);
  std::size_t clients() const { return conns_.size(); }
  std::size_t streams() const;
  const HttpCounters& counters() const { return counters_; }

 private:
  struct Conn;
  void accept_all();
  void on_readable(Conn& c);
  void on_writable(Conn& c);
  void respond(Conn& c);
  void expire(std::chrono::steady_clock::time_point now);
  void close_conn(int fd);

  HttpServerOptions options_;
  Handler handler_;
  const Clock& clock_;
  int listen_fd_ = -1;
  int bound_port_ = 0;
  std::map<int, std::unique_ptr<Conn>> conns_;
  HttpCounters counters_;
};

// "%41b+c" -> "Ab c".
std::string url_decode(std::string_view s);

}  // namespace bc::web
