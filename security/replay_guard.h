#pragma once
// Refuses a request seen before. Every request carries the client's timestamp and a
// random nonce; a server accepts it only when the timestamp is within the window of its
// own clock and the (key, nonce) pair is new within that window. Remembering a window's
// nonces is enough: an older copy fails the timestamp check. CURVE already stops a
// replay of captured bytes on another connection; this stops a request that was captured
// (or logged) in the clear and sent again by someone holding a valid key.
//
// The memory is bounded whatever the senders do: nonces are at most kMaxNonceBytes, each
// key keeps at most `per_key` of them and all keys together at most `total`. Past a bound
// the oldest nonce of that key (for the total: of the key holding the most) is forgotten
// and counted in shed(); a replay of a forgotten nonce within the window would be accepted,
// which only a sender of more than `per_key` requests a window can arrange, and only for
// its own requests. Owned by one thread (the server's event loop).

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <unordered_set>

#include "common/status.h"

namespace bc::security {

struct ReplayLimits {
  std::size_t per_key = 4096;  // a shell sends a few requests a second
  std::size_t total = 32768;
};

class ReplayGuard {
 public:
  explicit ReplayGuard(std::chrono::seconds window, ReplayLimits limits = {})
      : window_(window), limits_(limits) {}

  // `now_us` and `ts_us` are microseconds since the epoch. The reason when refused.
  Status check(const std::string& key, const std::optional<std::string>& nonce, std::int64_t ts_us,
               std::int64_t now_us);
  std::size_t remembered() const { return total_; }
  std::size_t remembered(const std::string& key) const;
  // Nonces forgotten early because a bound was reached.
  std::uint64_t shed() const { return shed_; }

 private:
  struct Seen {
    std::unordered_set<std::string> nonces;
    std::deque<std::pair<std::int64_t, std::string>> order;  // (ts, nonce), arrival order
  };
  void expire(std::int64_t now_us);
  void forget_oldest(std::map<std::string, Seen>::iterator it);

  std::chrono::seconds window_;
  ReplayLimits limits_;
  std::map<std::string, Seen> seen_;  // by key
  std::size_t total_ = 0;
  std::uint64_t shed_ = 0;
};

// A fresh random nonce for a request (16 bytes, hex).
std::string make_nonce();

}  // namespace bc::security
