#pragma once
// The packet counters of a node's stats sample, from its answer to the node control
// protocol's `netstats` (docs/NODE-PROTOCOL.md §3), which the supervisor asks every
// StatsInterval of the running nodes that have a control endpoint.

#include <chrono>
#include <optional>

#include "messages/node_events.h"
#include "messages/request.h"

namespace bc::sup {

// How long a sample waits for the node's answer before it is published without packets:
// short enough that a wedged node does not hold its sample back for long, and less than
// the interval, so that one node never has two samples in flight.
std::chrono::milliseconds netstats_wait(std::chrono::milliseconds stats_interval);

// Sets packets_received/dropped/link from a netstats reply of a node that captures; an
// error reply, a node that does not capture (a manager, a proxy) or a malformed answer
// leaves them unset ("-" in stats.log).
void fill_packets(msg::NodeStats& stats, const msg::Reply& netstats);

// The peers in state `connected` of a `peerstatus` reply; nullopt for an error or a
// malformed answer.
std::optional<int> connected_peers(const msg::Reply& peerstatus);

}  // namespace bc::sup
