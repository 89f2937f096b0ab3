#pragma once
// In-order delivery of one direction of a TCP stream for the analyzers (HTTP, DNS over
// TCP). Out-of-order segments are held up to a bound (kMaxHeld segments / bytes); a hole
// that is never filled, or a segment cut by the snaplen, ends delivery for good (gap()).
// Retransmitted bytes are delivered once. Internal to the engine.

#include <cstdint>
#include <map>
#include <string>

namespace bc::node {

class Reassembler {
 public:
  // A non-owning callable reference: add() runs per packet, and a std::function holding
  // the engine's lambda would allocate each time.
  class Deliver {
   public:
    template <class F>
    Deliver(F& f)  // NOLINT(google-explicit-constructor)
        : obj_(&f), call_([](void* o, const std::uint8_t* b, std::size_t n) {
            (*static_cast<F*>(o))(b, n);
          }) {}
    void operator()(const std::uint8_t* b, std::size_t n) const { call_(obj_, b, n); }

   private:
    void* obj_;
    void (*call_)(void*, const std::uint8_t*, std::size_t);
  };
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
