#pragma once
// The client side of the command conversation: a DEALER connected to one server (a
// supervisor or the collector). Several requests may be outstanding; replies are matched
// by id and may arrive in any order. Every wait has a deadline: a server that does not
// answer in time is reported as unreachable, never waited for.
// Owned by one thread.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include <zmq.hpp>

#include "common/status.h"
#include "messages/request.h"
#include "net/handshake_watch.h"
#include "security/bus_security.h"

namespace bc::net {

class RequestClient {
 public:
  // With `security` (CURVE on), the server's key is the one named `server` (a host name,
  // or security::kBrokerKeyName for the collector). A key that cannot be found makes every
  // wait() fail with that error instead of timing out.
  RequestClient(zmq::context_t& ctx, std::string endpoint,
                const security::BusSecurity* security = nullptr, const std::string& server = {});

  // Queues a request and returns its id. Never blocks.
  std::uint64_t send(std::string_view cmd, msg::Value args = msg::Value::empty_map());
  // Waits up to `timeout` for the reply to `id`; replies to other ids that arrive meanwhile
  // are kept for their own wait(). kUnreachable when none arrives in time; kCancelled when
  // a signal interrupted the wait (the shell's Ctrl-C).
  Result<msg::Reply> wait(std::uint64_t id, std::chrono::milliseconds timeout);
  Result<msg::Reply> call(std::string_view cmd, msg::Value args, std::chrono::milliseconds timeout);

  // Reads every reply already queued on the socket (non-blocking) into the inbox.
  void drain();
  // The reply to `id` if it has arrived (removes it from the inbox).
  std::optional<msg::Reply> take(std::uint64_t id);
  // Reads every reply already queued on the socket (non-blocking) and returns them in the
  // order they arrived, keeping none: for an owner that matches replies itself.
  std::vector<msg::Reply> receive_all();

  zmq::socket_t& socket() { return socket_; }
  const std::string& endpoint() const { return endpoint_; }
  std::uint64_t malformed_replies() const { return malformed_; }
  // Why the connection could not be secured (no key for the server); ok otherwise.
  const Status& setup() const { return setup_; }
  // With CURVE: the socket's monitor (poll it too), and whether the server refused our key
  // (reads the monitor's events; the refusal then stays). Without CURVE: nullptr / false.
  zmq::socket_t* monitor() { return handshake_ ? handshake_->monitor() : nullptr; }
  bool check_refused();
  const Status& refused() const { return refused_; }

 private:
  // One frame off the socket: nullopt when none is queued, a Reply or an error otherwise.
  std::optional<Result<msg::Reply>> read_reply(zmq::recv_flags flags);

  zmq::socket_t socket_;
  std::string endpoint_;
  std::uint64_t next_id_ = 1;
  std::uint64_t malformed_ = 0;
  std::map<std::uint64_t, msg::Reply> inbox_;
  Status setup_;    // why the connection cannot be secured, if it cannot
  Status refused_;  // the server refused our key: no reply will ever come
  std::optional<HandshakeWatch> handshake_;
};

}  // namespace bc::net
