#include "config/restart_settings.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "common/strings.h"

namespace bc::config {
namespace {

std::chrono::milliseconds restart_seconds(double s) {
  return std::chrono::milliseconds(static_cast<long>(std::llround(std::max(s, 0.0) * 1000)));
}

// The per-type override of a Restart* option ("RestartStormCount-Worker"), else the option.
std::string typed_restart_value(const Cluster& cluster, const NodeSpec& node,
                                const std::string& name) {
  std::string type(node_type_name(node.type));
  type[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(type[0])));
  if (std::string typed = cluster.options.get(name + "-" + type); !typed.empty()) return typed;
  return cluster.options.get(name);
}

double restart_number(const std::string& text, double fallback) {
  double v = fallback;
  return parse_double(text, &v) ? v : fallback;  // validated by the parsers
}

}  // namespace

std::string_view restart_mode_name(RestartMode mode) {
  switch (mode) {
    case RestartMode::kAlways:
      return "always";
    case RestartMode::kOnFailure:
      return "on-failure";
    case RestartMode::kNever:
      return "never";
  }
  return "always";
}

std::optional<RestartMode> restart_mode_from_name(std::string_view name) {
  for (RestartMode m : {RestartMode::kAlways, RestartMode::kOnFailure, RestartMode::kNever}) {
    if (iequals(restart_mode_name(m), name)) return m;
  }
  return std::nullopt;
}

RestartSettings restart_settings(const Cluster& cluster, const NodeSpec& node) {
  const auto opt = [&](const std::string& name, double fallback) {
    return restart_number(typed_restart_value(cluster, node, name), fallback);
  };
  RestartSettings s;
  s.mode =
      restart_mode_from_name(typed_restart_value(cluster, node, "RestartPolicy")).value_or(s.mode);
  s.initial = restart_seconds(opt("RestartBackoffInitial", 0));
  s.factor = opt("RestartBackoffFactor", s.factor);
  s.max = restart_seconds(opt("RestartBackoffMax", 60));
  s.jitter = opt("RestartBackoffJitter", s.jitter);
  s.stable = restart_seconds(opt("RestartStableTime", 60));
  s.storm_count = static_cast<int>(opt("RestartStormCount", s.storm_count));
  s.storm_window = restart_seconds(opt("RestartStormWindow", 60));
  for (const auto& [key, value] : node.restart) {
    if (key == "restart_policy") {
      s.mode = restart_mode_from_name(value).value_or(s.mode);
      continue;
    }
    const double v = restart_number(value, -1);
    if (v < 0) continue;  // validated by the node.cfg parser
    if (key == "restart_backoff_initial") s.initial = restart_seconds(v);
    if (key == "restart_backoff_factor") s.factor = v;
    if (key == "restart_backoff_max") s.max = restart_seconds(v);
    if (key == "restart_backoff_jitter") s.jitter = v;
    if (key == "restart_stable_time") s.stable = restart_seconds(v);
    if (key == "restart_storm_count") s.storm_count = static_cast<int>(v);
    if (key == "restart_storm_window") s.storm_window = restart_seconds(v);
  }
  return s;
}

}  // namespace bc::config
