#pragma once
// Turning the [<nodes>] argument of shell commands into a node list.

#include <string>
#include <vector>

#include "common/status.h"
#include "config/node_config.h"

namespace bc::config {

// `args` holds node names and the groups all, manager, proxies, workers, loggers
// (case-insensitive); an lb_procs group name selects all its processes. Empty `args`
// means all. The result is in type order (standalone, logger, manager, proxy, worker)
// then by name with numbers compared numerically (worker-2 before worker-10); duplicates
// are dropped. Unknown names -> kNotFound "unknown node 'x'".
Result<std::vector<NodeSpec>> select_nodes(const std::vector<NodeSpec>& nodes,
                                           const std::vector<std::string>& args);

// The ordering select_nodes uses, for callers that sort on their own.
bool node_order_less(const NodeSpec& a, const NodeSpec& b);

}  // namespace bc::config
