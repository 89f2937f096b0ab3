#pragma once
// Making and revoking keys in a BroBase (the shell's `keygen` and `keys`). Public keys go
// into the lists of ${KeysDir} (install distributes them), secret keys into files of
// ${SecretKeyDir} (copied by hand, once, to the host that uses them). Nothing is ever
// replaced: an existing key is kept, so running keygen again is safe.

#include <string>
#include <vector>

#include "common/status.h"
#include "config/cluster_config.h"
#include "security/key_lists.h"

namespace bc::security {

// Makes every key the cluster needs that is missing: one per host of `hosts` and the
// broker's (role supervisor), "admin" (role admin) and "web" (role monitor, brocluster-web's).
// Returns the names made (empty when all existed).
Result<std::vector<std::string>> ensure_cluster_keys(const config::ClusterConfig& options,
                                                     const std::vector<std::string>& hosts);
// Makes one named key in `role`; an error when the name is taken.
Status add_key(const config::ClusterConfig& options, Role role, const std::string& name);
// Removes the key `name` from its list (and its secret file here, if any). Effective on
// the hosts after the next install.
Status revoke_key(const config::ClusterConfig& options, const std::string& name);
// Whether ${KeysDir} holds any list: "keys exist" for the first-install/first-start rule.
bool cluster_has_keys(const config::ClusterConfig& options);

}  // namespace bc::security
