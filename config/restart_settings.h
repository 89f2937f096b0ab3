#pragma once
// How the collector restarts one node, resolved from the configuration (docs/CONFIG.md,
// "Restart policy"): cluster.cfg's Restart* options, overridden per node type by
// `<Option>-<Type>` (RestartStormCount-Worker = 3) and per node by node.cfg's restart_*
// keys. Pure; shared by the collector (which acts on it) and the shell (`nodes` shows it).

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "config/cluster.h"

namespace bc::config {

// When a crashed node is restarted, with systemd's names (Restart=):
//   always      every unexpected end (the default);
//   on-failure  a death by a signal (kill -9 included), a core dump or a non-zero exit
//               code; an exit with code 0 is the program's own decision and is left alone;
//   never       not restarted automatically.
enum class RestartMode { kAlways, kOnFailure, kNever };

std::string_view restart_mode_name(RestartMode mode);
std::optional<RestartMode> restart_mode_from_name(std::string_view name);
// "expected always, on-failure or never": for error messages.
inline constexpr std::string_view kRestartModeNames = "always, on-failure or never";

struct RestartSettings {
  RestartMode mode = RestartMode::kAlways;
  std::chrono::milliseconds initial{0};
  double factor = 2.0;
  std::chrono::milliseconds max{60000};
  double jitter = 0.1;  // fraction, 0..1
  std::chrono::milliseconds stable{60000};
  int storm_count = 5;  // the crash that makes this many within storm_window gives up
  std::chrono::milliseconds storm_window{60000};
  bool operator==(const RestartSettings&) const = default;
};

RestartSettings restart_settings(const Cluster& cluster, const NodeSpec& node);

}  // namespace bc::config
