#include "security/bus_security.h"

#include <filesystem>

#include "common/os_error.h"
#include "common/strings.h"

namespace bc::security {

bool curve_enabled(const config::ClusterConfig& options) {
  return options.get("BusSecurity") != "plain";
}

std::string secret_key_path(const config::ClusterConfig& options, const std::string& key) {
  if (key.find('/') != std::string::npos) return key;
  return options.get("SecretKeyDir") + "/" + key + ".key";
}

std::string active_keys_dir(const config::ClusterConfig& options) {
  const std::string installed = options.get("SpoolDir") + "/installed/current/etc/keys";
  std::error_code ec;
  if (std::filesystem::is_directory(installed, ec)) return installed;
  return options.get("KeysDir");
}

Result<BusSecurity> BusSecurity::load(const config::ClusterConfig& options,
                                      const std::string& key) {
  BusSecurity sec;
  if (!curve_enabled(options)) return sec;
  sec.enabled_ = true;
  sec.keys_dir_ = active_keys_dir(options);
  sec.replay_window_s_ = static_cast<int>(options.get_double("ReplayWindow"));
  const std::string path = secret_key_path(options, key);
  auto own = read_secret_file(path);
  if (!own.is_ok()) {
    if (own.status().code() == ErrorCode::kNotFound) {
      return Status::not_found(
          "no secret key " + bc::quoted(path) +
          " for the encrypted bus (BusSecurity = curve): run `brocluster keygen` on the "
          "manager and copy its etc/keys/hosts/<this host>/ (this host's key bundle) into this "
          "host's etc/keys/");
    }
    return own.status();
  }
  sec.own_ = std::move(own).value();
  auto lists = KeyLists::load(sec.keys_dir_);
  if (!lists.is_ok()) return lists.status();
  sec.lists_ = std::move(lists).value();
  return sec;
}

BusSecurity BusSecurity::broken(Status why) {
  BusSecurity sec;
  sec.enabled_ = true;
  sec.error_ = std::move(why);
  return sec;
}

Status BusSecurity::check_peer(const std::string& server) const {
  if (!enabled_) return Status::ok();
  if (!error_.is_ok()) return error_;
  const KeyEntry* entry = lists_.find_name(server);
  if (entry == nullptr || entry->role != Role::kSupervisor) {
    return Status::not_found("no public key for " + bc::quoted(server) + " in " +
                             bc::quoted(list_path(keys_dir_, Role::kSupervisor)) +
                             ": run `brocluster keygen` (and install)");
  }
  return Status::ok();
}

Status BusSecurity::secure_client(zmq::socket_t& socket, const std::string& server) const {
  if (!enabled_) return Status::ok();
  if (Status s = check_peer(server); !s.is_ok()) return s;
  make_curve_client(socket, own_, lists_.find_name(server)->public_z85);
  return Status::ok();
}

void BusSecurity::secure_server(zmq::socket_t& socket, std::string_view domain) const {
  if (enabled_) make_curve_server(socket, own_, domain);
}

Result<std::unique_ptr<ZapHandler>> BusSecurity::start_zap(zmq::context_t& ctx,
                                                           const std::string& log_name) const {
  if (!enabled_) return std::unique_ptr<ZapHandler>();
  return ZapHandler::start(ctx, keys_dir_, cluster_domain_policy(), log_name);
}

}  // namespace bc::security
