#include "collector/restart_policy.h"

#include <algorithm>
#include <cmath>

namespace bc::collector {

RestartPolicy::RestartPolicy(RestartSettings settings, std::function<double()> random01)
    : settings_(settings), random01_(std::move(random01)) {}

RestartDecision RestartPolicy::on_crash(SteadyClock::time_point now) {
  if (running_since_ && now - *running_since_ >= settings_.stable) streak_ = 0;
  running_since_.reset();
  crashes_.push_back(now);
  while (!crashes_.empty() && now - crashes_.front() > settings_.storm_window)
    crashes_.pop_front();
  RestartDecision d;
  d.crashes_in_window = static_cast<int>(crashes_.size());
  if (d.crashes_in_window >= settings_.storm_count) {
    d.give_up = true;
    return d;
  }
  // streak 0: the first crash after a stable run restarts after `initial`.
  double ms = static_cast<double>(settings_.initial.count());
  if (streak_ > 0) {
    const double base = std::max(ms, 100.0);  // an immediate first restart still backs off
    ms = base * std::pow(settings_.factor, streak_ - 1);
  }
  ms = std::min(ms, static_cast<double>(settings_.max.count()));
  if (ms > 0 && settings_.jitter > 0) ms *= 1.0 + settings_.jitter * (2.0 * random01_() - 1.0);
  d.delay = Duration(static_cast<long>(std::llround(std::max(ms, 0.0))));
  ++streak_;
  return d;
}

bool RestartPolicy::would_give_up(SteadyClock::time_point now) const {
  const auto in_window =
      std::count_if(crashes_.begin(), crashes_.end(),
                    [&](SteadyClock::time_point t) { return now - t <= settings_.storm_window; });
  return in_window + 1 >= settings_.storm_count;
}

void RestartPolicy::on_running(SteadyClock::time_point now) {
  if (!running_since_) running_since_ = now;
}

void RestartPolicy::reset() {
  crashes_.clear();
  running_since_.reset();
  streak_ = 0;
}

}  // namespace bc::collector
