#pragma once
// Requests from the collector's event loop to the supervisors, without waiting: each
// request has a callback that runs with the reply, or with kUnreachable when none came
// within its deadline. The loop polls sockets() and calls on_readable()/expire().

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "common/clock.h"
#include "common/status.h"
#include "messages/request.h"
#include "net/request_client.h"

namespace bc::collector {

class AsyncRequests {
 public:
  using Callback = std::function<void(const Result<msg::Reply>&)>;
  // host -> supervisor endpoint. Deadlines are read from `clock` (the loop's own).
  // `security` (may be nullptr: plain) secures every connection with the host's key.
  AsyncRequests(zmq::context_t& ctx, std::map<std::string, std::string> endpoints,
                const Clock& clock, const security::BusSecurity* security = nullptr);
  // A host added by an install; one already known keeps its connection.
  void add_host(const std::string& host, const std::string& endpoint);

  // kNotFound (callback not called) for a host without an endpoint.
  Status send(const std::string& host, std::string_view cmd, msg::Value args,
              std::chrono::milliseconds timeout, Callback callback);
  // Sockets to poll for replies, with the host each belongs to.
  std::vector<std::pair<std::string, zmq::socket_t*>> sockets();
  void on_readable(const std::string& host);
  // Fails every request whose deadline has passed.
  void expire(std::chrono::steady_clock::time_point now);
  std::size_t in_flight() const { return pending_.size(); }

 private:
  struct Pending {
    std::string host;
    std::chrono::steady_clock::time_point deadline;
    Callback callback;
  };

  zmq::context_t& ctx_;
  const Clock& clock_;
  const security::BusSecurity* security_;
  std::map<std::string, std::string> endpoints_;
  std::map<std::string, std::unique_ptr<net::RequestClient>> clients_;
  std::map<std::pair<std::string, std::uint64_t>, Pending> pending_;
};

}  // namespace bc::collector
