#pragma once
// The per-host key bundle that `keygen` leaves on the manager: ${KeysDir}/hosts/<host>/
// holds what that host's etc/keys/ needs and nothing more — the three public lists and
// secret/<host>.key (plus secret/broker.key on the host that runs the broker and the
// collector). Copying it to the host gives it its own identity without the admin's or any
// other host's secret (docs/SECURITY.md, "Day to day"). hosts/ is mode 0700: it holds
// secrets, as secret/ does.

#include <string>
#include <vector>

#include "common/status.h"
#include "config/cluster.h"

namespace bc::security {

// The bundle directory of `host`: ${KeysDir}/hosts/<host>.
std::string host_bundle_dir(const config::ClusterConfig& options, const std::string& host);

// (Re)writes the bundle of every node.cfg host whose secret key is here, with the lists as
// they are now; the host at the broker's address also gets the broker's secret. A bundle
// is built beside its old version and renamed over it, so it is never half written.
// With `existing_only`, only bundles that exist already are refreshed (after a revoke).
// Returns the hosts written.
Result<std::vector<std::string>> write_host_bundles(const config::Cluster& cluster,
                                                    bool existing_only = false);

// (Re)writes one bundle: ${KeysDir}/hosts/<host>/ with the lists and the secrets of
// `keys` (names of keys whose secret files are here).
Status write_host_bundle(const config::ClusterConfig& options, const std::string& host,
                         const std::vector<std::string>& keys);

// Removes `host`'s bundle, if any (its key was revoked).
Status remove_host_bundle(const config::ClusterConfig& options, const std::string& host);

}  // namespace bc::security
