#pragma once
// A node's crash can reach the collector twice: straight from its supervisor (a watch,
// crash_watch.h) and on the bus, the same event with the same seq and ts. Either may come
// first. This keeps each applied once and in order: a bus event that the earlier notice
// already told (the duplicate), or that is older than it (published before the crash,
// still on its way through the broker), is not applied again. Only the time between a
// notice and its copy on the bus is filtered: a copy the bus lost is settled by the next
// newer event, so a lost message never holds later ones back.
// Owned by the collector's event loop thread.

#include <map>
#include <string>

#include "messages/envelope.h"

namespace bc::collector {

class NoticeOrder {
 public:
  // A crash notice from the supervisor: apply it?
  bool accept_notice(const std::string& node, const msg::Envelope& env);
  // A node_state event from the bus: apply it?
  bool accept_bus(const std::string& node, const msg::Envelope& env);

 private:
  struct Stamp {
    std::string host;
    std::uint64_t seq = 0;
    std::int64_t ts = 0;
  };
  static Stamp stamp_of(const msg::Envelope& env) { return {env.host, env.seq, env.ts}; }
  static bool same(const Stamp& a, const msg::Envelope& b) {
    return a.host == b.host && a.seq == b.seq && a.ts == b.ts;
  }
  // Not newer than `a` from the same publisher. A restarted supervisor numbers from 1
  // again, but its clock has moved on: an event counts as older only by both.
  static bool not_newer(const msg::Envelope& b, const Stamp& a) {
    return a.host == b.host && b.seq <= a.seq && b.ts <= a.ts;
  }

  std::map<std::string, Stamp> notices_;   // node -> notice applied, its bus copy not seen
  std::map<std::string, Stamp> last_bus_;  // node -> newest node_state applied from the bus
};

}  // namespace bc::collector
