#include "security/command_policy.h"

#include <algorithm>
#include <array>

namespace bc::security {
namespace {

// What the collector (a "supervisor" key: the broker/collector key) asks supervisors for.
// `crashes`: the crash records whose live report it missed, to mail them.
// `watch_crashes`: the next crash, straight from the supervisor (crash_watchers.h).
constexpr std::array<std::string_view, 6> kDaemonToSupervisor = {
    "ping", "status", "start", "mark_failed", "crashes", "watch_crashes"};
// A monitor's snapshot of one host (the Clone pattern's first step), nothing more.
constexpr std::array<std::string_view, 2> kReadSupervisor = {"ping", "status"};
// What a monitor, or a daemon, may ask the collector: reading, never steering.
constexpr std::array<std::string_view, 3> kReadCollector = {"ping", "snapshot", "cron_status"};

bool in(std::string_view cmd, auto const& list) {
  return std::find(list.begin(), list.end(), cmd) != list.end();
}

}  // namespace

bool command_allowed(Service service, Role role, std::string_view cmd) {
  if (role == Role::kAdmin) return true;
  switch (service) {
    case Service::kSupervisor:
      if (role == Role::kMonitor) return in(cmd, kReadSupervisor);
      return role == Role::kSupervisor && in(cmd, kDaemonToSupervisor);
    case Service::kCollector:
      return in(cmd, kReadCollector);
  }
  return false;
}

}  // namespace bc::security
