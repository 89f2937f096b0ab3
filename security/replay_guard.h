#pragma once
// Refuses a request seen before. Every request carries the client's timestamp and a
// random nonce; a server accepts it only when the timestamp is within the window of its
// own clock and the (key, nonce) pair is new within that window. Remembering a window's
// nonces is enough: an older copy fails the timestamp check. CURVE already stops a
// replay of captured bytes on another connection; this stops a request that was captured
// (or logged) in the clear and sent again by someone holding a valid key.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "common/status.h"

namespace bc::security {

class ReplayGuard {
 public:
  explicit ReplayGuard(std::chrono::seconds window) : window_(window) {}

  // `now_us` and `ts_us` are microseconds since the epoch. The reason when refused.
  Status check(const std::string& key, const std::optional<std::string>& nonce, std::int64_t ts_us,
               std::int64_t now_us);
  std::size_t remembered() const { return seen_.size(); }

 private:
  void expire(std::int64_t now_us);

  std::chrono::seconds window_;
  std::set<std::pair<std::string, std::string>> seen_;                      // (key, nonce)
  std::multimap<std::int64_t, std::pair<std::string, std::string>> by_ts_;  // expiry order
};

// A fresh random nonce for a request (16 bytes, hex).
std::string make_nonce();

}  // namespace bc::security
