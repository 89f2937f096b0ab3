#pragma once
// Heartbeat: published by every daemon (supervisor, broker, collector) every interval_ms
// on topic hb.<host>. It carries the publisher's seq and a state version so that a
// subscriber can tell "I missed events" (seq gap) from "state changed" (state_version)
// and a silent publisher (no heartbeat within a few intervals) from a quiet one.

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "messages/envelope.h"
#include "messages/fields.h"

namespace bc::msg {

inline constexpr std::array<std::string_view, 3> kRoles = {"supervisor", "broker", "collector"};

struct Heartbeat {
  static constexpr std::string_view kType = "heartbeat";

  Envelope env = Envelope::of(kType);
  std::string role;                 // one of kRoles
  std::int64_t pid = 0;             // of the publishing daemon
  double uptime_s = 0;              // since the daemon started
  std::uint32_t interval_ms = 0;    // the publisher's heartbeat period
  std::uint64_t state_version = 0;  // +1 on every change of the publisher's state
  std::uint32_t nodes_total = 0;    // nodes this daemon owns (0 for broker/collector)
  std::uint32_t nodes_running = 0;
  std::uint32_t nodes_crashed = 0;                // crashed or failed
  std::map<std::string, std::uint64_t> counters;  // e.g. broker "forwarded", "dropped"
  std::optional<std::string> software;            // BroCluster version of the publisher

  template <class V>
  void fields(V& visit) {
    env.fields(visit);
    visit("role", role, Presence::kRequired);
    visit("pid", pid, Presence::kRequired);
    visit("uptime_s", uptime_s, Presence::kRequired);
    visit("interval_ms", interval_ms, Presence::kRequired);
    visit("state_version", state_version, Presence::kRequired);
    visit("nodes_total", nodes_total, Presence::kRequired);
    visit("nodes_running", nodes_running, Presence::kRequired);
    visit("nodes_crashed", nodes_crashed, Presence::kRequired);
    visit("counters", counters, Presence::kOptional);
    visit("software", software, Presence::kOptional);
  }
  Status validate() const;
  bool operator==(const Heartbeat&) const = default;
};

// "hb.<host>"
std::string topic_for(const Heartbeat& hb);

}  // namespace bc::msg
