#include "common/timer_queue.h"

#include <algorithm>

namespace bc {

TimerQueue::TimerId TimerQueue::schedule(TimePoint when, std::function<void()> callback) {
  const TimerId id = next_id_++;
  queue_.emplace(std::make_pair(when, id), std::move(callback));
  when_.emplace(id, when);
  return id;
}

void TimerQueue::cancel(TimerId id) {
  auto it = when_.find(id);
  if (it == when_.end()) return;
  queue_.erase({it->second, id});
  when_.erase(it);
}

std::optional<TimerQueue::TimePoint> TimerQueue::next_deadline() const {
  if (queue_.empty()) return std::nullopt;
  return queue_.begin()->first.first;
}

void TimerQueue::run_due(TimePoint now) {
  while (!queue_.empty() && queue_.begin()->first.first <= now) {
    auto node = queue_.extract(queue_.begin());
    when_.erase(node.key().second);
    node.mapped()();
  }
}

long poll_timeout_ms(std::optional<TimerQueue::TimePoint> deadline, TimerQueue::TimePoint now,
                     std::chrono::milliseconds cap) {
  if (!deadline) return cap.count();
  if (*deadline <= now) return 0;
  // Round up so that we never wake a fraction of a millisecond early and spin.
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - now);
  return std::min(left, cap).count();
}

}  // namespace bc
