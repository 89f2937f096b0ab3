#pragma once
// Private to the config module: helpers behind parse_node_config().

#include <string_view>

#include "config/node_config.h"

namespace bc::config::detail {

// Global env_vars first, in their order; the node's own replace a global of the same
// name in place and are otherwise appended.
EnvVars overlay_env_vars(const EnvVars& global, const EnvVars& own);

// Node names become directory names (spool/<name>): [A-Za-z0-9._-], not starting with
// '.' or '-'.
bool valid_node_name(std::string_view name);

// Upper bound of lb_procs; a larger value is taken for a typo.
inline constexpr int kMaxLbProcs = 1024;

}  // namespace bc::config::detail
