#pragma once
// /services.json: Prometheus HTTP service discovery (a JSON list of {targets, labels}):
// brocluster-web's own /metrics, and the metrics port of every Zeek node as the installed
// snapshot's Zeek layout assigns it (config/zeek_layout.h: `$metrics_port` in
// cluster-layout.zeek, `Telemetry::metrics_port` in standalone-layout.zeek).

#include <string>
#include <vector>

#include "config/cluster.h"
#include "messages/value.h"

namespace bc::web {

struct ScrapeTarget {
  std::string target;  // "address:port"
  std::string node;    // empty for brocluster-web itself
  std::string node_type;
  std::string kind;  // "brocluster" or "zeek"
};

// The Zeek nodes' metrics endpoints in a layout file's text. `metrics_address` (the
// MetricsAddress option) replaces each node's $ip when it is a specific address;
// `standalone_node` names the node of a standalone layout.
std::vector<ScrapeTarget> zeek_targets(const std::string& layout_text,
                                       const std::string& metrics_address,
                                       const std::string& standalone_node);

// Every target of `cluster`: ours (`web_target`) first, then the Zeek nodes of the
// installed snapshot (none when nothing is installed or no node runs Zeek).
std::vector<ScrapeTarget> scrape_targets(const config::Cluster& cluster,
                                         const std::string& web_target);

// The HTTP SD body: one group per target with labels brocluster_kind, node, node_type.
msg::Value service_groups(const std::vector<ScrapeTarget>& targets);

}  // namespace bc::web
