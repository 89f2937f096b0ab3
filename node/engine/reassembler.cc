#include "node/engine/reassembler.h"

namespace bc::node {
namespace {
// Signed distance a - b in sequence space.
std::int32_t seq_diff(std::uint32_t a, std::uint32_t b) {
  return static_cast<std::int32_t>(a - b);
}
}  // namespace

void Reassembler::syn(std::uint32_t seq) {
  if (init_) return;
  init_ = true;
  next_ = seq + 1;
}

void Reassembler::deliver_from(std::uint32_t seq, const std::uint8_t* data, std::uint32_t len,
                               const Deliver& deliver) {
  const std::int32_t d = seq_diff(next_, seq);  // bytes already delivered
  if (d < 0 || static_cast<std::uint32_t>(d) >= len) return;
  deliver(data + d, len - static_cast<std::uint32_t>(d));
  next_ = seq + len;
}

void Reassembler::add(std::uint32_t seq, const std::uint8_t* data, std::uint32_t caplen,
                      std::uint32_t len, const Deliver& deliver) {
  if (gap_ || len == 0) return;
  if (!init_) {
    init_ = true;
    next_ = seq;
  }
  if (caplen < len) {
    // Bytes we never saw: the stream cannot be followed past them.
    gap_ = true;
    return;
  }
  if (seq_diff(seq, next_) > 0) {
    if (held_.size() >= kMaxHeld || held_bytes_ + len > kMaxHeldBytes) {
      gap_ = true;
      held_.clear();
      return;
    }
    auto [it, inserted] = held_.emplace(seq, std::string(reinterpret_cast<const char*>(data), len));
    if (inserted) held_bytes_ += len;
    return;
  }
  deliver_from(seq, data, len, deliver);
  // Drain what now fits, in sequence order relative to next_.
  for (bool progress = true; progress && !held_.empty();) {
    progress = false;
    for (auto it = held_.begin(); it != held_.end(); ++it) {
      if (seq_diff(it->first, next_) <= 0) {
        std::string chunk = std::move(it->second);
        const std::uint32_t s = it->first;
        held_bytes_ -= chunk.size();
        held_.erase(it);
        deliver_from(s, reinterpret_cast<const std::uint8_t*>(chunk.data()),
                     static_cast<std::uint32_t>(chunk.size()), deliver);
        progress = true;
        break;
      }
    }
  }
}

}  // namespace bc::node
