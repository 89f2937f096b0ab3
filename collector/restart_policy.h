#pragma once
// When to restart a crashed node, and when to give up. Pure logic over an injected time:
// the first restart after a crash waits `initial`, each further one `factor` times longer
// (capped at `max`, with +-`jitter` so that a host's nodes do not restart in lockstep);
// a node that stays up for `stable` has its streak forgotten; the crash that makes
// `storm_count` within `storm_window` is a restart storm: give up (the node goes to
// `failed` until someone starts it). RestartStormCount = 3 gives up at the third crash, as
// docs/CONFIG.md says. One RestartPolicy per node, owned by the collector's event loop.

#include <chrono>
#include <deque>
#include <functional>
#include <optional>

#include "config/restart_settings.h"

namespace bc::collector {

using SteadyClock = std::chrono::steady_clock;
using Duration = std::chrono::milliseconds;

using RestartSettings = config::RestartSettings;

struct RestartDecision {
  bool give_up = false;       // restart storm: mark the node failed, alert, mail
  Duration delay{0};          // when !give_up: wait this long, then start it
  int crashes_in_window = 0;  // for the alert and the logs
};

class RestartPolicy {
 public:
  // `random01` returns a number in [0, 1) for the jitter; injected for tests.
  RestartPolicy(RestartSettings settings, std::function<double()> random01);

  // A crash at `now` of a node that should run.
  RestartDecision on_crash(SteadyClock::time_point now);
  // Whether a crash at `now` would give up (on_crash without counting it).
  bool would_give_up(SteadyClock::time_point now) const;
  // New settings (an install): the crash history stays, the next crash uses them.
  void set_settings(const RestartSettings& settings) { settings_ = settings; }
  const RestartSettings& settings() const { return settings_; }
  // The node reached running at `now` (its streak is forgotten once it stays up).
  void on_running(SteadyClock::time_point now);
  // An operator's start/stop: forget everything, the node starts afresh.
  void reset();
  int streak() const { return streak_; }

 private:
  RestartSettings settings_;
  std::function<double()> random01_;
  std::deque<SteadyClock::time_point> crashes_;  // within the storm window
  std::optional<SteadyClock::time_point> running_since_;
  int streak_ = 0;  // consecutive crashes without a stable run in between
};

}  // namespace bc::collector
