#include "security/keygen.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "common/file_util.h"
#include "common/os_error.h"
#include "common/strings.h"
#include "security/bus_security.h"
#include "security/key_pair.h"

namespace bc::security {
namespace {

Status append_line(const std::string& path, const std::string& line) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return io_status("cannot write " + bc::quoted(path), errno);
  const ssize_t n = ::write(fd, line.data(), line.size());
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (n != static_cast<ssize_t>(line.size()) || !synced) {
    return Status::io_error("cannot write " + bc::quoted(path));
  }
  return Status::ok();
}

Status make_key(const config::ClusterConfig& options, const KeyLists& lists, Role role,
                const std::string& name) {
  if (!valid_key_name(name)) {
    return Status::invalid_argument("bad key name " + bc::quoted(name) +
                                    " (letters, digits, '.', '_', '-'; at most 64)");
  }
  if (const KeyEntry* e = lists.find_name(name)) {
    return Status(ErrorCode::kConflict, "a key named " + bc::quoted(name) + " is already listed (" +
                                            std::string(role_name(e->role)) + ")");
  }
  const std::string dir = options.get("KeysDir");
  if (Status s = ensure_dir(dir, 0755); !s.is_ok()) return s;
  auto pair = generate_key_pair();
  if (!pair.is_ok()) return pair.status();
  const std::string secret = secret_key_path(options, name);
  std::error_code ec;
  if (std::filesystem::exists(secret, ec)) {
    return Status(ErrorCode::kConflict, "secret key file " + bc::quoted(secret) +
                                            " exists but its key is not listed; remove the "
                                            "file or add its public key to a list");
  }
  // The secret first: a listed key whose secret was never written would lock its owner
  // out with nothing to show why.
  if (Status s = write_secret_file(secret, *pair); !s.is_ok()) return s;
  return append_line(list_path(dir, role), name + " " + pair->public_z85 + "\n");
}

}  // namespace

bool cluster_has_keys(const config::ClusterConfig& options) {
  std::error_code ec;
  for (Role role : kRoles) {
    if (std::filesystem::exists(list_path(options.get("KeysDir"), role), ec)) return true;
  }
  return false;
}

Result<std::vector<std::string>> ensure_cluster_keys(const config::ClusterConfig& options,
                                                     const std::vector<std::string>& hosts) {
  auto lists = KeyLists::load(options.get("KeysDir"));
  if (!lists.is_ok()) return lists.status();
  std::vector<std::pair<Role, std::string>> wanted;
  for (const std::string& host : hosts) {
    // A host's key is named after it; these names are the daemons' and the admin's, whose
    // keys have other rights (docs/SECURITY.md).
    if (host == kBrokerKeyName || host == kAdminKeyName || host == kWebKeyName) {
      return Status::invalid_argument("node.cfg names a host " + bc::quoted(host) +
                                      ", the name of another key: rename the host");
    }
    wanted.emplace_back(Role::kSupervisor, host);
  }
  wanted.emplace_back(Role::kSupervisor, std::string(kBrokerKeyName));
  wanted.emplace_back(Role::kAdmin, std::string(kAdminKeyName));
  wanted.emplace_back(Role::kMonitor, std::string(kWebKeyName));
  std::vector<std::string> made;
  for (const auto& [role, name] : wanted) {
    if (lists->find_name(name) != nullptr) continue;
    if (Status s = make_key(options, *lists, role, name); !s.is_ok()) return s;
    made.push_back(name);
    lists = KeyLists::load(options.get("KeysDir"));
    if (!lists.is_ok()) return lists.status();
  }
  return made;
}

Status add_key(const config::ClusterConfig& options, Role role, const std::string& name) {
  auto lists = KeyLists::load(options.get("KeysDir"));
  if (!lists.is_ok()) return lists.status();
  return make_key(options, *lists, role, name);
}

Status revoke_key(const config::ClusterConfig& options, const std::string& name) {
  const std::string dir = options.get("KeysDir");
  auto lists = KeyLists::load(dir);
  if (!lists.is_ok()) return lists.status();
  const KeyEntry* entry = lists->find_name(name);
  if (entry == nullptr) return Status::not_found("no key named " + bc::quoted(name));
  const std::string path = list_path(dir, entry->role);
  auto text = read_file(path, 1 << 20);
  if (!text.is_ok()) return text.status();
  // Drop the key's line, keep every other line (comments included) as it was.
  std::string kept;
  std::string_view rest = *text;
  while (!rest.empty()) {
    const std::size_t nl = rest.find('\n');
    const std::string_view line =
        rest.substr(0, nl == std::string_view::npos ? rest.size() : nl + 1);
    rest.remove_prefix(line.size());
    std::string_view body = trim(line);
    const std::size_t space = body.find_first_of(" \t");
    if (space != std::string_view::npos && body.substr(0, space) == name) continue;
    kept += line;
  }
  if (Status s = write_file_atomic(path, kept, 0644); !s.is_ok()) return s;
  const std::string secret = secret_key_path(options, name);
  if (::unlink(secret.c_str()) != 0 && errno != ENOENT) {
    return io_status("cannot remove " + bc::quoted(secret), errno);
  }
  return Status::ok();
}

}  // namespace bc::security
