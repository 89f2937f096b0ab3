#pragma once
// The collectors waiting for this host's next crash (`watch_crashes`, docs/PROTOCOL.md).
// A watch is a request held open: it is answered with the crash's node_state event the
// moment a node crashes, or with no event when its hold time runs out, and the watcher
// asks again. The event is the very one published on the bus (same seq and ts), so a
// collector that gets it both ways can tell. The bus stays the record; this is the short
// way for the one message a repair waits on (docs/DECISIONS.md).
// Between one answer and the next watch, or before a restarted supervisor hears its first
// watch, a crash would find nobody waiting: a watch names the newest event time it knows of
// this host (`after`), and a node still crashed since a later crash is answered at once.
// Owned by the supervisor's event loop thread.

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>

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

  // Answered at once with the oldest crash stamped later than `after` of a node that has
  // not settled since; otherwise held.
  void add(std::uint64_t request_id, Responder respond, TimePoint deadline,
           std::optional<std::int64_t> after = std::nullopt);
  // Answers every watch with `crash` (already stamped by the publisher).
  void notify(const msg::NodeStateChange& crash);
  // `node` left the crashed state (restarted, stopped, failed): its crash is old news.
  void settled(const std::string& node) { unsettled_.erase(node); }
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

  std::deque<Watch> watches_;                              // oldest first
  std::map<std::string, msg::NodeStateChange> unsettled_;  // node -> its crash, still crashed
};

}  // namespace bc::sup
