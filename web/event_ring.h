#pragma once
// The last events brocluster-web served on /api/v1/events, numbered from 1 when the
// daemon starts, so that a browser that reconnects with `Last-Event-ID` gets what it
// missed. Bounded: a client further behind than the ring (or from before a restart of
// the daemon) gets a fresh snapshot instead (docs/PROTOCOL.md §7).

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace bc::web {

struct StreamEvent {
  std::uint64_t id = 0;
  std::string type;  // the SSE `event:` name: the bus event's type
  std::string data;  // one line of JSON
};

class EventRing {
 public:
  // At most `capacity` events and `max_bytes` of their data (a `snapshot` event of a large
  // cluster is large), whichever is reached first.
  explicit EventRing(std::size_t capacity, std::size_t max_bytes = 16 << 20)
      : capacity_(capacity), max_bytes_(max_bytes) {}

  // Numbers and keeps the event; returns it.
  const StreamEvent& push(std::string type, std::string data);
  std::uint64_t last_id() const { return next_id_ - 1; }
  // The events after `id`, or nullopt when the ring cannot say (too old, or an id this
  // daemon never gave out).
  std::optional<std::vector<const StreamEvent*>> after(std::uint64_t id) const;

 private:
  std::size_t capacity_;
  std::size_t max_bytes_;
  std::size_t bytes_ = 0;
  std::deque<StreamEvent> events_;
  std::uint64_t next_id_ = 1;
};

// The SSE wire form of one event: "id: N\nevent: T\ndata: D\n\n".
std::string sse_frame(std::uint64_t id, const std::string& type, const std::string& data);

}  // namespace bc::web
