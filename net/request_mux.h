#pragma once
// The one request multiplexer: the client side of the command conversation (docs/PROTOCOL.md
// §3) for the shell, the collector and the tests. One DEALER per peer (a supervisor's host,
// or the collector), any number of requests outstanding on each, replies matched by id in
// whatever order they come. Every request has a deadline read from the injected Clock, and
// ends exactly once with one of:
//   - the peer's reply (ok or an error reply);
//   - kUnreachable: no reply within its deadline;
//   - kPermissionDenied: the peer refused our CURVE key (detected once per peer, from the
//     socket's handshake monitor, and then true of every request to that peer, at once);
//   - kBadMessage: the peer answered with a frame that is no valid reply (when the frame
//     names the request's id, at once; otherwise at the deadline, instead of kUnreachable);
//   - the error that kept the connection from being secured (no key for the peer);
//   - kCancelled: a blocking wait interrupted (the shell's Ctrl-C) or abandon().
// A request ends through its callback, or, without one, as a result kept for take()/wait().
// Callbacks never run inside send(); they run from read(), expire() or a blocking wait.
//
// Two ways to drive it, one core: the blocking wait()/wait_all() (the shell's fan-out, the
// tests) poll the sockets themselves; an event loop (the collector) polls sockets() beside
// its own and calls read(peer) and expire() every turn.
// Owned by one thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>
#include <zmq.hpp>

#include "common/clock.h"
#include "common/status.h"
#include "messages/request.h"
#include "net/handshake_watch.h"
#include "security/bus_security.h"

namespace bc::net {

class RequestMux {
 public:
  using Callback = std::function<void(const Result<msg::Reply>&)>;
  using TimePoint = std::chrono::steady_clock::time_point;

  // `security` (nullptr: plain) secures every connection with the peer's key; it and
  // `clock` must outlive the mux.
  RequestMux(zmq::context_t& ctx, const Clock& clock,
             const security::BusSecurity* security = nullptr);
  ~RequestMux();
  RequestMux(const RequestMux&) = delete;
  RequestMux& operator=(const RequestMux&) = delete;

  // Connects to `peer` at `endpoint`; with CURVE the server key is the one named `key_name`
  // (default: the peer's name). `label` names the peer in errors ("host h1"; default: the
  // endpoint). A peer already known keeps its connection.
  void add_peer(const std::string& peer, const std::string& endpoint, std::string key_name = {},
                std::string label = {});
  bool has_peer(const std::string& peer) const { return peers_.count(peer) != 0; }

  // Queues a request to `peer` and returns its id (the wire id; unique in this mux). Never
  // blocks. kNotFound for an unknown peer (the callback is then not called).
  Result<std::uint64_t> send(const std::string& peer, std::string_view cmd, msg::Value args,
                             std::chrono::milliseconds timeout, Callback callback = {});

  // Blocking mode. Waits until request `id` (sent without a callback) has ended and
  // returns how; kCancelled when the interrupt check fires first, kNotFound for an id
  // that is neither pending nor kept. `within` bounds this wait only: when it passes
  // first, kUnreachable is returned and the request stays pending.
  Result<msg::Reply> wait(std::uint64_t id,
                          std::optional<std::chrono::milliseconds> within = std::nullopt);
  // Waits until no request is pending (every deadline bounds it); kCancelled when the
  // interrupt check fired first (the requests stay pending: abandon() or wait again).
  Status wait_all();
  // Sends one request and waits for it.
  Result<msg::Reply> call(const std::string& peer, std::string_view cmd, msg::Value args,
                          std::chrono::milliseconds timeout);
  // What a blocking wait checks after a signal interrupted its poll (the shell's Ctrl-C):
  // true ends the wait with kCancelled. Unset: a signal only wakes the wait. Checked
  // before every poll too, so a flag set earlier ends the next wait at once.
  void set_interrupt_check(std::function<bool()> check) { interrupt_ = std::move(check); }

  // The ended request `id` (sent without a callback), removed; nullopt while it runs.
  std::optional<Result<msg::Reply>> take(std::uint64_t id);
  // Ends a pending request now with `why` (its callback runs, or the result is kept).
  void abandon(std::uint64_t id, const Status& why);

  // Event-loop mode. Each peer's DEALER, to poll for ZMQ_POLLIN beside the loop's own.
  std::vector<std::pair<std::string, zmq::socket_t*>> sockets();
  // Reads every reply queued from `peer` and ends the requests they answer.
  void read(const std::string& peer);
  // Ends the requests whose peer refused our key, and those past their deadline.
  void expire();
  // The earliest deadline pending, for the loop's poll timeout.
  std::optional<TimePoint> next_deadline() const;

  std::size_t in_flight() const { return pending_.size(); }
  // Requests sent since construction: the round trips a command made (bench/, tests).
  std::uint64_t requests_sent() const { return sent_; }
  std::uint64_t malformed_replies() const { return malformed_; }
  // The DEALER of `peer` (tests that send raw frames); REQUIRES: has_peer(peer).
  zmq::socket_t& socket(const std::string& peer);

 private:
  struct Peer;
  struct Pending {
    std::string peer;
    std::string cmd;
    TimePoint sent;
    TimePoint deadline;
    std::chrono::milliseconds timeout;
    Callback callback;
    Status failed;  // known at send (no key for the peer): ends at the first expire()
  };
  struct Ending {
    std::uint64_t id;
    Callback callback;
    Result<msg::Reply> result;
  };
  using Ended = std::vector<Ending>;

  // Moves the request out of pending_ into `ended` with `result`.
  void end(std::uint64_t id, Result<msg::Reply> result, Ended& ended);
  // Hands every ended request to its callback or the kept results, in order.
  void deliver(Ended& ended);
  void read_peer(Peer& peer, Ended& ended);
  void check_refused(Peer& peer, Ended& ended);
  Status deadline_status(const Pending& p) const;
  // Polls every socket (and handshake monitor) until something is readable, `until`, or a
  // signal; then reads and expires. False when the interrupt check fired.
  bool turn(std::optional<TimePoint> until);

  zmq::context_t& ctx_;
  const Clock& clock_;
  const security::BusSecurity* security_;
  std::map<std::string, std::unique_ptr<Peer>> peers_;
  std::map<std::uint64_t, Pending> pending_;
  std::map<std::uint64_t, Result<msg::Reply>> results_;
  std::function<bool()> interrupt_;
  std::uint64_t next_id_ = 1;
  std::uint64_t sent_ = 0;
  std::uint64_t malformed_ = 0;
};

// What every mux of this process has done: requests sent (each a round trip) and blocking
// waits that had requests to wait for (rounds one after the other). A debug counter for
// the shell's BROCLUSTER_DEBUG_ROUND_TRIPS and bench/; nothing decides by it.
struct MuxTraffic {
  std::uint64_t requests = 0;
  std::uint64_t waits = 0;
};
MuxTraffic process_traffic();

// One request to one server and its reply: a mux of one peer for one call (the shell's
// questions to the collector, a daemon's probe).
Result<msg::Reply> call_once(zmq::context_t& ctx, const std::string& endpoint,
                             const security::BusSecurity* security, const std::string& key_name,
                             std::string_view cmd, msg::Value args,
                             std::chrono::milliseconds timeout,
                             std::function<bool()> interrupt_check = {});

}  // namespace bc::net
