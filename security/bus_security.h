#pragma once
// The CURVE setup of one process, from the cluster configuration: whether the bus is
// encrypted (BusSecurity), our key pair (a secret key file of ${SecretKeyDir}), the key
// lists (${KeysDir}), and how to turn a fresh socket into a server or a client of a named
// peer. With BusSecurity = plain every call is a no-op, so callers need no branches.
//
// Key names: a host's supervisor and nodes use the key named after the host (node.cfg
// host=), the broker and the collector the key "broker", the shell "admin" unless told
// otherwise (--key / BROCLUSTER_KEY).

#include <memory>
#include <string>
#include <zmq.hpp>

#include "common/status.h"
#include "config/cluster_config.h"
#include "security/curve_socket.h"
#include "security/key_lists.h"
#include "security/zap_handler.h"

namespace bc::security {

inline constexpr std::string_view kBrokerKeyName = "broker";
inline constexpr std::string_view kAdminKeyName = "admin";
// brocluster-web's key (role monitor): it may subscribe and read the collector, no more.
inline constexpr std::string_view kWebKeyName = "web";

class BusSecurity {
 public:
  // Plain: no keys, nothing set on sockets.
  BusSecurity() = default;
  // `key` is a key name (its file is ${SecretKeyDir}/<name>.key) or, when it contains a
  // '/', the path of a secret key file. Errors say which file is missing and how to make
  // it (brocluster keygen).
  static Result<BusSecurity> load(const config::ClusterConfig& options, const std::string& key);

  // A setup that could not be loaded: every secure_client() returns `why`, so that each
  // connection reports it (the shell prints it per host) instead of timing out.
  static BusSecurity broken(Status why);

  bool enabled() const { return enabled_; }
  // Why this setup cannot secure a connection (a broken() one); ok otherwise.
  const Status& setup_error() const { return error_; }
  const KeyPair& own() const { return own_; }
  const std::string& keys_dir() const { return keys_dir_; }
  const KeyLists& lists() const { return lists_; }
  int replay_window_s() const { return replay_window_s_; }

  // Sets CURVE client options for a connection to the server whose key is named
  // `server` (a host name, or kBrokerKeyName). Call before connect().
  Status secure_client(zmq::socket_t& socket, const std::string& server) const;
  // Ok when a server key named `server` is listed (always ok when plain): daemons check
  // their peers at start rather than fail to connect later.
  Status check_peer(const std::string& server) const;
  // Sets CURVE server options; a ZapHandler must run in the socket's context.
  void secure_server(zmq::socket_t& socket, std::string_view domain) const;
  // Starts this process's ZAP handler (nullptr when plain).
  Result<std::unique_ptr<ZapHandler>> start_zap(zmq::context_t& ctx,
                                                const std::string& log_name) const;

 private:
  bool enabled_ = false;
  Status error_;
  KeyPair own_;
  std::string keys_dir_;
  KeyLists lists_;
  int replay_window_s_ = 60;
};

// Where a key's secret file lives: ${SecretKeyDir}/<name>.key, or `key` itself when it
// contains a '/'.
std::string secret_key_path(const config::ClusterConfig& options, const std::string& key);
// The key lists in force on this host: the installed snapshot's when it has some (what
// the last install distributed), else ${KeysDir}.
std::string active_keys_dir(const config::ClusterConfig& options);
bool curve_enabled(const config::ClusterConfig& options);

}  // namespace bc::security
