#include "security/command_policy.h"

#include <algorithm>
#include <array>

#include "security/bus_security.h"

namespace bc::security {
namespace {

// What the collector asks supervisors for: their state (reconciliation), a restart, a
// node given up on, the crash records whose live report it missed (to mail them), and
// the next crash straight from the supervisor (`watch_crashes`, crash_watchers.h).
constexpr std::array<std::string_view, 6> kDaemonToSupervisor = {
    "ping", "status", "start", "mark_failed", "crashes", "watch_crashes"};
// A monitor's snapshot of one host (the Clone pattern's first step), nothing more.
constexpr std::array<std::string_view, 2> kReadSupervisor = {"ping", "status"};
// What a monitor may ask the collector: reading, never steering.
constexpr std::array<std::string_view, 3> kReadCollector = {"ping", "snapshot", "cron_status"};

bool in(std::string_view cmd, auto const& list) {
  return std::find(list.begin(), list.end(), cmd) != list.end();
}

}  // namespace

Principal principal_of(const KeyEntry& key) {
  switch (key.role) {
    case Role::kAdmin:
      return Principal::kAdmin;
    case Role::kMonitor:
      return Principal::kMonitor;
    case Role::kSupervisor:
      return key.name == kBrokerKeyName ? Principal::kDaemon : Principal::kHost;
  }
  return Principal::kMonitor;
}

std::string_view principal_name(Principal principal) {
  switch (principal) {
    case Principal::kHost:
      return "a host's key";
    case Principal::kDaemon:
      return "the broker/collector key";
    case Principal::kAdmin:
      return "an admin key";
    case Principal::kMonitor:
      return "a monitor key";
  }
  return "?";
}

std::span<const std::string_view> daemon_supervisor_commands() {
  return kDaemonToSupervisor;
}

bool command_allowed(Service service, Principal principal, std::string_view cmd) {
  switch (principal) {
    case Principal::kAdmin:
      return true;
    case Principal::kMonitor:
      return service == Service::kSupervisor ? in(cmd, kReadSupervisor) : in(cmd, kReadCollector);
    case Principal::kDaemon:
      return service == Service::kSupervisor ? in(cmd, kDaemonToSupervisor)
                                             : in(cmd, kReadCollector);
    case Principal::kHost:
      // A supervisor sends no command: a host's key asks nothing of another host, nor of
      // the collector (docs/SECURITY.md, "one host compromised").
      return false;
  }
  return false;
}

}  // namespace bc::security
