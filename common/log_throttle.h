#pragma once
// Rate-limits one kind of log line that outsiders can cause (a refused connection, a
// refused request): at most `burst` lines per `period`, and the first line after a quiet
// spell says how many were left out. Counting is the caller's business; this only decides
// whether to write. Time comes from the caller (a Clock, or steady_clock on a thread that
// has none). Not thread-safe: one per thread.

#include <chrono>
#include <cstdint>
#include <string>

namespace bc {

class LogThrottle {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  explicit LogThrottle(std::uint32_t burst = 10,
                       std::chrono::seconds period = std::chrono::seconds(10))
      : burst_(burst), period_(period) {}

  // True when this occurrence may be logged; then `suppressed` holds how many were not
  // logged since the last one that was (0 usually).
  bool allow(TimePoint now, std::uint64_t& suppressed) {
    if (now - period_start_ >= period_) {
      period_start_ = now;
      in_period_ = 0;
    }
    if (in_period_ >= burst_) {
      ++suppressed_;
      return false;
    }
    ++in_period_;
    suppressed = suppressed_;
    suppressed_ = 0;
    return true;
  }

 private:
  std::uint32_t burst_;
  std::chrono::seconds period_;
  TimePoint period_start_{};
  std::uint32_t in_period_ = 0;
  std::uint64_t suppressed_ = 0;
};

// " (N more since, not logged)", or empty for N == 0: the tail of a throttled line.
inline std::string left_out_note(std::uint64_t left_out) {
  return left_out == 0 ? std::string()
                       : " (" + std::to_string(left_out) + " more since, not logged)";
}

}  // namespace bc
