#pragma once
// The collectors waiting for this host's next crash (`watch_crashes`, docs/PROTOCOL.md).
// A watch is a request held open: it is answered with the crash's node_state event the
// moment a node crashes, or with no event when its hold time runs out, and the watcher
// asks again. The event is the very one published on the bus (same seq and ts), so a
// collector that gets it both ways can tell. The bus stays the record; this is the short
// way for the one message a repair waits on (docs/DECISIONS.md).
// Owned by the supervisor's event loop thread.

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>

#include "messages/node_events.h"
#include "messages/request.h"

namespace bc::sup {

class CrashWatchers {
 public:
  using Responder = std::function<void(const msg::Reply&)>;
  using TimePoint = std::chrono::steady_clock::time_point;
  // More than this answers the oldest at once (empty): a watcher that re-asks without
  // waiting for its answers cannot pile requests up here.
  static constexpr std::size_t kMaxWatchers = 8;

  void add(std::uint64_t request_id, Responder respond, TimePoint deadline);
  // Answers every watch with `crash` (already stamped by the publisher).
  void notify(const msg::NodeStateChange& crash);
  // Answers the watches whose hold time has run out, with no event.
  void expire(TimePoint now);
  std::size_t size() const { return watches_.size(); }

 private:
  struct Watch {
    std::uint64_t id;
    Responder respond;
    TimePoint deadline;
  };
  static void answer(const Watch& w, const msg::NodeStateChange* crash);

  std::deque<Watch> watches_;  // oldest first
};

}  // namespace bc::sup
