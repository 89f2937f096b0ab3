#pragma once
// Test support: the keys of the encrypted bus for a test cluster, made as a user makes
// them (the code of `brocluster keygen`) in the first BroBase, and each other host's key
// bundle copied into its etc/keys/, as the user does (docs/SECURITY.md). And the setup a
// test's own clients use: the admin key of the first BroBase.

#include <memory>
#include <string>
#include <vector>

#include "security/bus_security.h"

namespace bc::test {

// Makes the keys of `hosts` (plus broker and admin) in bases[0]/etc/keys and copies the
// bundle of hosts[i] (its secret and the lists) into bases[i]/etc/keys. Fails the test on
// an error.
void make_bus_keys(const std::vector<std::string>& bases, const std::vector<std::string>& hosts);

// The admin's CURVE setup of the cluster whose BroBase is `base` (its keys must exist).
std::shared_ptr<const security::BusSecurity> admin_security(const std::string& base,
                                                            const std::string& key = "admin");

}  // namespace bc::test
