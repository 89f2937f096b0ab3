#include "web/event_ring.h"

namespace bc::web {

const StreamEvent& EventRing::push(std::string type, std::string data) {
  bytes_ += data.size();
  events_.push_back({next_id_++, std::move(type), std::move(data)});
  // The newest event stays, whatever its size.
  while (events_.size() > 1 && (events_.size() > capacity_ || bytes_ > max_bytes_)) {
    bytes_ -= events_.front().data.size();
    events_.pop_front();
  }
  return events_.back();
}

std::optional<std::vector<const StreamEvent*>> EventRing::after(std::uint64_t id) const {
  if (id > last_id()) return std::nullopt;  // not ours: from before a restart
  const std::uint64_t first = events_.empty() ? next_id_ : events_.front().id;
  if (id + 1 < first) return std::nullopt;  // fell out of the ring
  std::vector<const StreamEvent*> out;
  for (const StreamEvent& e : events_) {
    if (e.id > id) out.push_back(&e);
  }
  return out;
}

std::string sse_frame(std::uint64_t id, const std::string& type, const std::string& data) {
  // `data` is one line of JSON (the renderer escapes newlines), so one data: line.
  return "id: " + std::to_string(id) + "\nevent: " + type + "\ndata: " + data + "\n\n";
}

}  // namespace bc::web
