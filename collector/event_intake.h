#pragma once
// The collector's check of every event it folds in, behind the broker's origin check
// (defence in depth, docs/SECURITY.md "Origin binding"): an event about a node is believed
// only when node.cfg assigns that node to the host the event comes from, a host's event
// only when the host is configured, and only on the topic its content implies. Anything
// else is dropped (never acted on, never mailed), counted, and logged at most once a
// second. Owned by the collector's event loop.

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "collector/cluster_view.h"
#include "common/log_throttle.h"
#include "messages/crash.h"
#include "messages/heartbeat.h"
#include "messages/node_events.h"

namespace bc::collector {

// An event the collector folds in, decoded and believed; monostate for anything else.
using BusEvent = std::variant<std::monostate, msg::Heartbeat, msg::NodeStateChange,
                              msg::CrashReport, msg::HostStats, msg::NodeStats>;

class EventIntake {
 public:
  // A message as the bus hands it over (its topic frame, its body): decoded, and checked
  // by believe() when it is about a host or a node. Empty when undecodable (logged), of a
  // type the collector does not fold, a daemon's heartbeat other than a supervisor's (not
  // host liveness), or not believed. Collector::on_event acts on what comes back; the
  // fuzz target fuzz_intake feeds it arbitrary pairs.
  BusEvent admit(ClusterView& view, std::string_view topic, std::string_view body, SteadyTime now);
  // `host` is the event's envelope host, `node` the node it is about (nullptr for a host
  // event), `expected_topic` the topic its content implies (msg::topic_for).
  bool believe(ClusterView& view, std::string_view topic, std::string_view expected_topic,
               const std::string& host, const std::string* node, SteadyTime now);
  std::uint64_t refused() const { return refused_; }

 private:
  std::uint64_t refused_ = 0;
  LogThrottle log_{1, std::chrono::seconds(1)};
};

}  // namespace bc::collector
