#pragma once
// The collector's watch on every supervisor's crashes: one `watch_crashes` request held
// open per host (docs/PROTOCOL.md). Its answer carries the crash's node_state event a
// broker hop sooner than the bus does; the watch is then asked again at once. An answer
// without an event (the hold time ran out) re-asks too; an unreachable supervisor is
// re-asked when the request's deadline passes, so there is never more than one loop of
// waiting per host. An error answer (a supervisor that does not know the command, a key
// it refuses) stops the watch on that host until arm() is called again: the bus still
// brings every crash, only later.
// Owned by the collector's event loop thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "common/clock.h"
#include "messages/node_events.h"
#include "net/request_mux.h"

namespace bc::collector {

class CrashWatch {
 public:
  using OnCrash = std::function<void(const msg::NodeStateChange&)>;
  using TimePoint = std::chrono::steady_clock::time_point;
  static constexpr std::chrono::milliseconds kHold{20000};

  // `comm_timeout`: how long past the hold time an answer may take before the supervisor
  // counts as unreachable.
  CrashWatch(net::RequestMux& requests, const Clock& clock, std::chrono::milliseconds comm_timeout,
             OnCrash on_crash);

  // Asks `host` for its next crash unless a watch asked within the last second is still
  // open. Called at every reconciliation: a restarted supervisor has forgotten the watch,
  // and it would otherwise only be re-asked at its deadline.
  void arm(const std::string& host);
  // An event of `host`'s supervisor stamped `ts` was heard (by the bus or a watch): a
  // watch asks only for crashes later than the newest (crash_watchers.h).
  void heard(const std::string& host, std::int64_t ts);
  std::size_t open() const;

 private:
  struct HostWatch {
    int open = 0;                  // watches asked and not yet answered
    std::uint64_t generation = 0;  // of the newest watch asked: the one renewed
    TimePoint asked{};
    bool stopped = false;    // an error answer: wait for the next arm()
    std::int64_t heard = 0;  // newest event ts of this host's supervisor; 0: none yet
  };
  void ask(const std::string& host);
  void on_answer(const std::string& host, std::uint64_t generation,
                 const Result<msg::Reply>& reply);

  net::RequestMux& requests_;
  const Clock& clock_;
  std::chrono::milliseconds comm_timeout_;
  OnCrash on_crash_;
  std::map<std::string, HostWatch> hosts_;
};

}  // namespace bc::collector
