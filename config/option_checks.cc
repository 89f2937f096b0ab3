#include "config/option_checks.h"

#include <arpa/inet.h>

#include <array>
#include <cmath>
#include <vector>

#include "common/strings.h"
#include "config/node_config.h"
#include "config/node_profile.h"
#include "config/restart_settings.h"
#include "config/text_util.h"

namespace bc::config::detail {
namespace {

// Bounds for numeric options. Numeric options not listed here must be >= 0: every one
// of them is a count, a size or a duration, where a negative value has no meaning.
struct Range {
  std::string_view name;
  double min;
  double max;
  bool min_exclusive;
};

constexpr double kNoMax = 1e300;

constexpr std::array kRanges = {
    Range{"MinDiskSpace", 0, 100, false},
    Range{"LogRotationInterval", 1, kNoMax, false},
    Range{"RestartStormCount", 1, kNoMax, false},
    Range{"RestartBackoffFactor", 1, kNoMax, false},
    Range{"RestartBackoffJitter", 0, 1, false},
    // A zero interval or timeout would make a daemon spin or give up at once.
    Range{"CommTimeout", 0, kNoMax, true},
    Range{"HeartbeatInterval", 0, kNoMax, true},
    Range{"HostTimeout", 0, kNoMax, true},
    Range{"StatsInterval", 0, kNoMax, true},
    Range{"StatsLogInterval", 0, kNoMax, true},
    Range{"CronInterval", 0, kNoMax, true},
    Range{"StartTimeout", 0, kNoMax, true},
    Range{"ReplayWindow", 1, kNoMax, false},
};

Range range_of(const OptionSpec& spec) {
  // MetricsPort 0 means "no metrics ports", as in zeekctl; ZeekControlPort 0 "no listener".
  if (spec.name == "MetricsPort" || spec.name == "ZeekControlPort") {
    return Range{spec.name, 0, 65535, false};
  }
  if (is_port_option(spec.name)) return Range{spec.name, 1, 65535, false};
  for (const Range& r : kRanges) {
    if (r.name == spec.name) return r;
  }
  return Range{spec.name, 0, kNoMax, false};
}

std::string format_number(double v) {
  std::string s = std::to_string(v);
  s.erase(s.find_last_not_of('0') + 1);
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

std::string describe(const Range& r) {
  if (r.max < kNoMax) return "between " + format_number(r.min) + " and " + format_number(r.max);
  return std::string(r.min_exclusive ? "> " : ">= ") + format_number(r.min);
}

std::string prefix(const OptionSpec& spec) {
  return "option '" + std::string(spec.name) + "': ";
}

std::optional<std::string> check_type(const OptionSpec& spec, const std::string& value,
                                      double* number) {
  const std::string bad =
      "invalid " + std::string(option_type_name(spec.type)) + " value '" + value + "' (expected ";
  std::int64_t i = 0;
  bool b = false;
  switch (spec.type) {
    case OptionType::kString:
      return std::nullopt;
    case OptionType::kBool:
      if (parse_bool(value, &b)) return std::nullopt;
      return prefix(spec) + bad + "1/0, true/false, yes/no or on/off)";
    case OptionType::kInt:
      if (!parse_int(value, &i)) return prefix(spec) + bad + "an integer)";
      *number = static_cast<double>(i);
      return std::nullopt;
    case OptionType::kDouble:
      if (!parse_double(value, number)) return prefix(spec) + bad + "a number)";
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

bool is_zeek_port_option(std::string_view name) {
  return name == "ZeekPort" || name == "MetricsPort" || name == "ZeekControlPort";
}

bool is_numeric_address(const std::string& text) {
  in6_addr v6{};
  in_addr v4{};
  return inet_pton(AF_INET, text.c_str(), &v4) == 1 || inet_pton(AF_INET6, text.c_str(), &v6) == 1;
}

bool is_port_option(std::string_view name) {
  return name.size() > 4 && name.substr(name.size() - 4) == "Port";
}

std::optional<std::string> check_option_value(const OptionSpec& spec, const std::string& value) {
  double number = 0;
  if (std::optional<std::string> error = check_type(spec, value, &number)) return error;
  if (spec.name == "env_vars") {
    EnvVars vars;
    std::string error;
    if (!parse_env_vars(value, &vars, &error)) return prefix(spec) + error;
  }
  if (spec.name == "BusSecurity" && value != "curve" && value != "plain") {
    return prefix(spec) + "invalid value '" + value + "' (expected curve or plain)";
  }
  if (spec.name == "MetricsAddress" && !value.empty() && !is_numeric_address(value)) {
    return prefix(spec) + "invalid address '" + value +
           "' (expected a numeric IPv4 or IPv6 address, or empty)";
  }
  if (spec.name == "ZeekControlAddress" && !is_numeric_address(value)) {
    return prefix(spec) + "invalid address '" + value +
           "' (expected a numeric IPv4 or IPv6 address)";
  }
  if (spec.name == "NodeProfile" && !node_profile_from_name(value)) {
    return prefix(spec) + invalid_profile_message(value);
  }
  if (spec.name == "ClusterBackend" && !iequal(value, "zeromq") && !iequal(value, "broker")) {
    return prefix(spec) + "invalid value '" + value + "' (expected ZeroMQ or Broker)";
  }
  if (spec.name == "RestartPolicy" && !restart_mode_from_name(value)) {
    return prefix(spec) + "invalid value '" + value + "' (expected " +
           std::string(kRestartModeNames) + ")";
  }
  if (spec.type != OptionType::kInt && spec.type != OptionType::kDouble) return std::nullopt;
  const Range r = range_of(spec);
  const bool low = r.min_exclusive ? number <= r.min : number < r.min;
  if (!low && number <= r.max) return std::nullopt;
  if (is_port_option(spec.name)) {
    return prefix(spec) + "port " + value + " out of range 1..65535";
  }
  return prefix(spec) + "value " + value + " out of range (must be " + describe(r) + ")";
}

void check_ports(const ClusterConfig& config, const std::string& file,
                 const std::function<int(std::string_view)>& line_of, Diagnostics& diags) {
  std::vector<std::string_view> seen;
  for (const OptionSpec& spec : option_table()) {
    if (!is_port_option(spec.name)) continue;
    const std::int64_t port = config.get_int(spec.name);
    if (port == 0) continue;  // MetricsPort 0: no metrics ports
    const int line = line_of(spec.name);
    if (port >= kEphemeralPortFirst && port <= kEphemeralPortLast) {
      diags.warning(file, line,
                    prefix(spec) + "port " + std::to_string(port) +
                        " lies in the ephemeral port range 32768-60999; an outgoing "
                        "connection may take it first");
    }
    for (std::string_view other : seen) {
      if (config.get_int(other) != port) continue;
      diags.error(file, line,
                  prefix(spec) + "port " + std::to_string(port) + " is already used by " +
                      std::string(other));
    }
    seen.push_back(spec.name);
  }
}

}  // namespace bc::config::detail
