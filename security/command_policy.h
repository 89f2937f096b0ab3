#pragma once
// Which key may send which command to which service. Checked for every request against
// the key as the lists have it now (the key lists as installed), not as it was when it
// connected, so that a revocation takes effect on the next install without a
// reconnection. See docs/SECURITY.md for the matrix (key x command x service).

#include <span>
#include <string_view>

#include "security/key_lists.h"

namespace bc::security {

enum class Service { kSupervisor, kCollector };

// Who holds a key. The supervisor list holds two kinds: one key per host (its supervisor
// and its nodes) and the daemon key kBrokerKeyName that the broker and the collector of
// the manager host share; they get different rights.
enum class Principal { kHost, kDaemon, kAdmin, kMonitor };

Principal principal_of(const KeyEntry& key);
std::string_view principal_name(Principal principal);

// What the collector asks supervisors for (the daemon key's commands), for the tests
// and the docs.
std::span<const std::string_view> daemon_supervisor_commands();

bool command_allowed(Service service, Principal principal, std::string_view cmd);

}  // namespace bc::security
