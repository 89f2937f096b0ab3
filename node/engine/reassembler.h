#pragma once
// In-order delivery of one direction of a TCP stream for the analyzers (HTTP, DNS over
// TCP). Out-of-order segments are held up to a bound (kMaxHeld segments / bytes); a hole
// that is never filled, or a segment cut by the snaplen, ends delivery for good (gap()).
// Retransmitted bytes are delivered once. Internal to the engine.

#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace bc::node {

class Reassembler {
 public:
  using Deliver = std::function<void(const std::uint8_t*, std::size_t)>;
  static constexpr std::size_t kMaxHeld = 32;
  static constexpr std::size_t kMaxHeldBytes = 64 * 1024;

  // The SYN's sequence number: data starts at seq + 1.
  void syn(std::uint32_t seq);
  // A segment: `caplen` bytes captured of `len` on the wire.
  void add(std::uint32_t seq, const std::uint8_t* data, std::uint32_t caplen, std::uint32_t len,
           const Deliver& deliver);
  bool gap() const { return gap_; }
  void stop() { gap_ = true; }

 private:
  void deliver_from(std::uint32_t seq, const std::uint8_t* data, std::uint32_t len,
                    const Deliver& deliver);

  bool init_ = false;
  bool gap_ = false;
  std::uint32_t next_ = 0;
  std::map<std::uint32_t, std::string> held_;  // keyed by offset from next_ at insert time
  std::size_t held_bytes_ = 0;
};

}  // namespace bc::node
