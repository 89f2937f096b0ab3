#include "security/host_bundle.h"

#include <filesystem>

#include "common/file_util.h"
#include "common/os_error.h"
#include "common/strings.h"
#include "config/endpoints.h"
#include "security/bus_security.h"
#include "security/key_lists.h"

namespace bc::security {
namespace {

namespace fs = std::filesystem;

Status copy_into(const std::string& from, const std::string& to, mode_t mode) {
  auto text = read_file(from, 1 << 20);
  if (!text.is_ok()) return text.status();
  return write_file_atomic(to, *text, mode);
}

// Fills `dir` (new, empty) with the lists and the secrets of `keys`.
Status fill_bundle(const config::ClusterConfig& options, const std::string& dir,
                   const std::vector<std::string>& keys) {
  const std::string lists = options.get("KeysDir");
  std::error_code ec;
  for (Role role : kRoles) {
    const std::string list = list_path(lists, role);
    if (!fs::exists(list, ec)) continue;
    if (Status s = copy_into(list, list_path(dir, role), 0644); !s.is_ok()) return s;
  }
  if (Status s = ensure_dir(dir + "/secret", 0700); !s.is_ok()) return s;
  for (const std::string& key : keys) {
    const std::string to = dir + "/secret/" + key + ".key";
    if (Status s = copy_into(secret_key_path(options, key), to, 0600); !s.is_ok()) return s;
  }
  return Status::ok();
}

Status replace_dir(const std::string& fresh, const std::string& target) {
  std::error_code ec;
  fs::remove_all(target, ec);
  if (ec) return Status::io_error("cannot remove " + bc::quoted(target) + ": " + ec.message());
  fs::rename(fresh, target, ec);
  if (ec) {
    return Status::io_error("cannot rename " + bc::quoted(fresh) + " to " + bc::quoted(target) +
                            ": " + ec.message());
  }
  return Status::ok();
}

}  // namespace

std::string host_bundle_dir(const config::ClusterConfig& options, const std::string& host) {
  return options.get("KeysDir") + "/hosts/" + host;
}

Result<std::vector<std::string>> write_host_bundles(const config::Cluster& cluster,
                                                    bool existing_only) {
  const config::ClusterConfig& options = cluster.options;
  const std::string broker = config::broker_address(cluster);
  std::vector<std::string> written;
  std::error_code ec;
  for (const std::string& host : cluster.hosts()) {
    // Only names a key can have: a host name is a path component here.
    if (!valid_key_name(host) || !fs::exists(secret_key_path(options, host), ec)) continue;
    if (existing_only && !fs::exists(host_bundle_dir(options, host), ec)) continue;
    std::vector<std::string> keys = {host};
    // The BrokerHost runs the broker and the collector (key "broker") and brocluster-web
    // (key "web").
    for (std::string_view name : {kBrokerKeyName, kWebKeyName}) {
      if (config::host_address(cluster, host) == broker &&
          fs::exists(secret_key_path(options, std::string(name)), ec)) {
        keys.emplace_back(name);
      }
    }
    if (Status s = write_host_bundle(options, host, keys); !s.is_ok()) return s;
    written.push_back(host);
  }
  return written;
}

Status write_host_bundle(const config::ClusterConfig& options, const std::string& host,
                         const std::vector<std::string>& keys) {
  if (!valid_key_name(host)) return Status::invalid_argument("bad host name " + bc::quoted(host));
  if (Status s = ensure_dir(options.get("KeysDir") + "/hosts", 0700); !s.is_ok()) return s;
  const std::string target = host_bundle_dir(options, host);
  const std::string fresh = options.get("KeysDir") + "/hosts/." + host + ".new";
  std::error_code ec;
  fs::remove_all(fresh, ec);
  if (Status s = ensure_dir(fresh, 0755); !s.is_ok()) return s;
  Status s = fill_bundle(options, fresh, keys);
  if (s.is_ok()) s = replace_dir(fresh, target);
  if (!s.is_ok()) fs::remove_all(fresh, ec);
  return s;
}

Status remove_host_bundle(const config::ClusterConfig& options, const std::string& host) {
  if (!valid_key_name(host)) return Status::ok();
  std::error_code ec;
  fs::remove_all(host_bundle_dir(options, host), ec);
  if (ec) return Status::io_error("cannot remove the key bundle of " + bc::quoted(host));
  return Status::ok();
}

}  // namespace bc::security
