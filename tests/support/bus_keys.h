#pragma once
// Test support: the keys of the encrypted bus for a test cluster, made as a user makes
// them (the code of `brocluster keygen`) in the first BroBase and copied to the others,
// as the user copies etc/keys/ to every host. And the setup a test's own clients use:
// the admin key of the first BroBase.

#include <memory>
#include <string>
#include <vector>

#include "security/bus_security.h"

namespace bc::test {

// Makes the keys of `hosts` (plus broker and admin) in bases[0]/etc/keys and copies that
// directory, modes kept, into every other base. Aborts the test on failure.
void make_bus_keys(const std::vector<std::string>& bases, const std::vector<std::string>& hosts);

// The admin's CURVE setup of the cluster whose BroBase is `base` (its keys must exist).
std::shared_ptr<const security::BusSecurity> admin_security(const std::string& base,
                                                            const std::string& key = "admin");

}  // namespace bc::test
