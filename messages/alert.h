#pragma once
// Alerts and log lines. Alerts are raised mostly by the collector (host down/up, restart
// storms, disk space) on alert.<kind>; any daemon may forward its warning and error log
// lines on log.<host> so that `tap` shows them without ssh.

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "messages/envelope.h"
#include "messages/fields.h"

namespace bc::msg {

// Kinds the project raises today; kind is open (any [a-z0-9_-] token) so that a new
// kind does not need a protocol change.
inline constexpr std::string_view kAlertHostDown = "host-down";
inline constexpr std::string_view kAlertHostUp = "host-up";
// The event bus carried nothing (not even the broker's heartbeat) for HostTimeout, and back:
// one pair for the whole cluster; hosts are judged by direct pings meanwhile.
inline constexpr std::string_view kAlertBusDown = "bus-down";
inline constexpr std::string_view kAlertBusUp = "bus-up";
inline constexpr std::string_view kAlertRestartStorm = "restart-storm";
inline constexpr std::string_view kAlertDiskSpace = "disk-space";
inline constexpr std::string_view kAlertNodeCrashed = "node-crashed";
// A notice of the analysis (the manager's notice.log) whose actions include ACTION_ALARM.
inline constexpr std::string_view kAlertNotice = "notice";

inline constexpr std::array<std::string_view, 4> kSeverities = {"info", "warning", "error",
                                                                "critical"};
// spdlog's level names, since log lines come from spdlog loggers.
inline constexpr std::array<std::string_view, 6> kLogLevels = {"trace",   "debug", "info",
                                                               "warning", "error", "critical"};

struct Alert {
  static constexpr std::string_view kType = "alert";

  Envelope env = Envelope::of(kType);       // env.host is the host that raised the alert
  std::string kind;                         // topic segment, e.g. "host-down"
  std::string severity;                     // one of kSeverities
  std::optional<std::string> subject_host;  // the host the alert is about
  std::optional<std::string> node;          // the node the alert is about
  std::string message;                      // one line for humans and mail subjects

  template <class V>
  void fields(V& visit) {
    env.fields(visit);
    visit("kind", kind, Presence::kRequired);
    visit("severity", severity, Presence::kRequired);
    visit("subject_host", subject_host, Presence::kOptional);
    visit("node", node, Presence::kOptional);
    visit("message", message, Presence::kRequired);
  }
  Status validate() const;
  bool operator==(const Alert&) const = default;
};

struct LogLine {
  static constexpr std::string_view kType = "log";

  Envelope env = Envelope::of(kType);
  std::string level;      // one of kLogLevels
  std::string component;  // spdlog logger name, e.g. "supervisor"
  std::optional<std::string> node;
  std::string message;

  template <class V>
  void fields(V& visit) {
    env.fields(visit);
    visit("level", level, Presence::kRequired);
    visit("component", component, Presence::kRequired);
    visit("node", node, Presence::kOptional);
    visit("message", message, Presence::kRequired);
  }
  Status validate() const;
  bool operator==(const LogLine&) const = default;
};

// "alert.<kind>"
std::string topic_for(const Alert& m);
// "log.<host>"
std::string topic_for(const LogLine& m);

}  // namespace bc::msg
