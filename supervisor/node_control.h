#pragma once
// The supervisor's side of the node control protocol (docs/NODE-PROTOCOL.md §3): a request
// for a node is forwarded on a DEALER of its own to the node's `.control` endpoint and
// the answer is relayed to the asker later, from the event loop. One socket per request
// keeps a node that never answers (stopped, wedged) from delaying anyone else, and lets a
// late answer die with its socket instead of being taken for the next request's.
// Owned by the event loop thread; nothing here blocks.

#include <zmq.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "common/status.h"
#include "common/timer_queue.h"
#include "messages/request.h"

namespace bc::sup {

class NodeControlProxy {
 public:
  using Responder = std::function<void(const msg::Reply&)>;
  using TimePoint = std::chrono::steady_clock::time_point;

  // Beyond this many unanswered requests new ones are refused (busy): each holds a socket.
  static constexpr std::size_t kMaxInFlight = 64;
  // A node's answer is bounded like any frame we read; larger ones are dropped by libzmq
  // and the request runs into its deadline.
  static constexpr std::int64_t kMaxReplyBytes = 16 * 1024 * 1024;

  NodeControlProxy(zmq::context_t& ctx, TimerQueue& timers);
  ~NodeControlProxy();
  NodeControlProxy(const NodeControlProxy&) = delete;
  NodeControlProxy& operator=(const NodeControlProxy&) = delete;

  // Forwards `cmd`/`args` to the node whose working dir is `node_dir`. `respond` gets
  // exactly one reply, with `client_id`: the node's result or error, or a timeout once
  // `deadline` (steady time; `timeout_ms` names it in the message) has passed. An error
  // return means nothing was sent and `respond` will not be called.
  Status start(const std::string& node, const std::string& node_dir, std::uint64_t client_id,
               const std::string& cmd, const msg::Value& args, TimePoint deadline, long timeout_ms,
               Responder respond);

  // The loop's poll set: appends one item per request in flight. on_readable() takes the
  // same items back after zmq::poll (the first one this call appended).
  void poll_items(std::vector<zmq::pollitem_t>& items);
  void on_readable(const zmq::pollitem_t* items, std::size_t count);

  std::size_t in_flight() const { return requests_.size(); }

 private:
  struct InFlight {
    std::string node;
    std::uint64_t client_id = 0;
    std::uint64_t wire_id = 0;
    zmq::socket_t socket;
    long timeout_ms = 0;
    TimerQueue::TimerId timer = 0;
    Responder respond;
  };

  // The request's timer: the node did not answer in time.
  void expire(std::uint64_t key);
  void finish(std::uint64_t key, const msg::Reply& reply);

  zmq::context_t& ctx_;
  TimerQueue& timers_;
  std::uint64_t next_key_ = 1;
  std::map<std::uint64_t, InFlight> requests_;
  std::vector<std::uint64_t> polled_;  // request key per item handed out by poll_items
};

}  // namespace bc::sup
