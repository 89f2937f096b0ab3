#include "tests/support/bus_keys.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "security/host_bundle.h"
#include "security/keygen.h"

namespace bc::test {
namespace {

namespace fs = std::filesystem;

config::ClusterConfig key_options(const std::string& base) {
  config::ClusterConfig options;
  options.set("BusSecurity", "curve");
  options.set("ReplayWindow", "60");
  options.set("SpoolDir", base + "/spool");
  options.set("KeysDir", base + "/etc/keys");
  options.set("SecretKeyDir", base + "/etc/keys/secret");
  return options;
}

}  // namespace

void make_bus_keys(const std::vector<std::string>& bases, const std::vector<std::string>& hosts) {
  if (bases.empty()) return;
  auto made = security::ensure_cluster_keys(key_options(bases[0]), hosts);
  if (!made.is_ok()) {
    ADD_FAILURE() << "keygen: " << made.status().message();
    return;
  }
  // Each other host gets its bundle only (docs/SECURITY.md): its secret and the lists.
  // The broker and the collector run from bases[0], so no other host needs their key.
  for (std::size_t i = 1; i < bases.size() && i < hosts.size(); ++i) {
    Status s = security::write_host_bundle(key_options(bases[0]), hosts[i], {hosts[i]});
    if (!s.is_ok()) ADD_FAILURE() << "key bundle of " << hosts[i] << ": " << s.message();
    std::error_code ec;
    fs::remove_all(bases[i] + "/etc/keys", ec);
    fs::create_directories(bases[i] + "/etc", ec);
    fs::copy(bases[0] + "/etc/keys/hosts/" + hosts[i], bases[i] + "/etc/keys",
             fs::copy_options::recursive, ec);
    if (ec) ADD_FAILURE() << "copying the key bundle to " << bases[i] << ": " << ec.message();
  }
}

std::shared_ptr<const security::BusSecurity> admin_security(const std::string& base,
                                                            const std::string& key) {
  auto loaded = security::BusSecurity::load(key_options(base), key);
  if (!loaded.is_ok()) {
    ADD_FAILURE() << "admin key of " << base << ": " << loaded.status().message();
    return std::make_shared<const security::BusSecurity>();
  }
  return std::make_shared<const security::BusSecurity>(std::move(loaded).value());
}

}  // namespace bc::test
