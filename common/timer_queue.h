#pragma once
// Deadlines of one event loop: ready grace times, stop and kill timeouts, exec timeouts,
// heartbeat and stats ticks. The loop asks next_deadline() for its poll timeout and calls
// run_due() after every wake-up; nothing ever sleeps. Time comes from the injected Clock.
// Owned by the event loop thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <unordered_map>
#include <utility>

namespace bc {

class TimerQueue {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  using TimerId = std::uint64_t;  // never 0, so 0 can mean "no timer"

  TimerId schedule(TimePoint when, std::function<void()> callback);
  // Cancelling an unknown, fired or zero id is a no-op.
  void cancel(TimerId id);
  std::optional<TimePoint> next_deadline() const;
  // Fires every timer due at or before `now`, earliest first. A callback may schedule or
  // cancel timers; timers it schedules for `now` or earlier fire in the same call.
  void run_due(TimePoint now);
  std::size_t size() const { return queue_.size(); }

 private:
  std::map<std::pair<TimePoint, TimerId>, std::function<void()>> queue_;
  std::unordered_map<TimerId, TimePoint> when_;
  TimerId next_id_ = 1;
};

// Milliseconds from `now` until `deadline` for a poll timeout: 0 when due, -1 (wait
// forever) without a deadline, capped at `cap`.
long poll_timeout_ms(std::optional<TimerQueue::TimePoint> deadline, TimerQueue::TimePoint now,
                     std::chrono::milliseconds cap);

}  // namespace bc
