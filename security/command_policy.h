#pragma once
// Which role may send which command to which service. Checked for every request against
// the role the sender's key has now (the key lists as installed), not the role it had
// when it connected, so that a revocation takes effect on the next install without a
// reconnection. See docs/SECURITY.md for the table.

#include <string_view>

#include "security/key_lists.h"

namespace bc::security {

enum class Service { kSupervisor, kCollector };

bool command_allowed(Service service, Role role, std::string_view cmd);

}  // namespace bc::security
