#pragma once
// Node profiles: how a node program is started, watched and talked to. `brocluster` is our
// own node's contract (docs/NODE-PROGRAM.md); `zeek` runs Zeek as zeekctl does
// (docs/ZEEK.md). cluster.cfg's NodeProfile is the default, node.cfg's profile= wins.

#include <optional>
#include <string>
#include <string_view>

#include "config/cluster_config.h"
#include "config/node_config.h"

namespace bc::config {

enum class NodeProfile { kBrocluster, kZeek };

inline constexpr std::string_view kNodeProfileNames = "brocluster or zeek";

std::string_view node_profile_name(NodeProfile profile);
// Case-insensitive.
std::optional<NodeProfile> node_profile_from_name(std::string_view name);
// "invalid value 'zek' (expected brocluster or zeek; did you mean 'zeek'?)"
std::string invalid_profile_message(std::string_view value);

// The node's profile= when set, else the NodeProfile option. REQUIRES: both validated.
NodeProfile effective_profile(const ClusterConfig& options, const NodeSpec& node);

}  // namespace bc::config
