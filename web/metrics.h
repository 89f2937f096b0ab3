#pragma once
// /metrics: the cluster state in the Prometheus text exposition format 0.0.4, every name
// prefixed `brocluster_`, named as Prometheus' naming guide has it (base units, `_total` on
// counters, `_timestamp_seconds`, `_bytes`), node series labelled host, node, node_type.
// The metric list is in docs/MONITORING.md.

#include <cstdint>
#include <string>
#include <string_view>

#include "web/cluster_state.h"
#include "web/http_server.h"

namespace bc::web {

inline constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

struct WebSelfStats {
  std::int64_t start_us = 0;  // when brocluster-web started
  HttpCounters http;
  std::size_t clients = 0;
  std::size_t streams = 0;
  std::uint64_t snapshot_failures = 0;
};

std::string render_metrics(const ClusterState& state, const WebSelfStats& self);

// A label value escaped as the format wants it (\\, \", \n).
std::string escape_label(std::string_view value);

}  // namespace bc::web
