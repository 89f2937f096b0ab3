#pragma once
// The ZAP handler (ZeroMQ RFC 27) of one process: every CURVE server socket of the
// process asks it, at each connection handshake, whether the client's public key may
// connect to that socket's domain. It answers from the key lists (refreshed at every
// handshake, so a key revoked by an install is refused from the next connection on) and
// names the key (its public key in Z85) as the connection's User-Id, which the command
// handlers read to check the role of every request.
//
// It runs on its own thread, bound to inproc://zeromq.zap.01 of the process's context,
// and must exist before any server socket binds: server sockets also set
// ZMQ_ZAP_ENFORCE_DOMAIN, so that without a handler libzmq refuses rather than accepts.

#include <atomic>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <zmq.hpp>

#include "common/log_throttle.h"
#include "common/status.h"
#include "security/key_lists.h"

namespace bc::security {

// Which roles may connect to which ZAP domain (curve_socket.h names the domains).
using DomainPolicy = std::map<std::string, std::set<Role>>;

// The policy of the whole cluster: see docs/SECURITY.md.
DomainPolicy cluster_domain_policy();

class ZapHandler {
 public:
  // Binds the handler socket; the error when it cannot (another handler in the context).
  static Result<std::unique_ptr<ZapHandler>> start(zmq::context_t& ctx, std::string keys_dir,
                                                   DomainPolicy policy, std::string log_name);
  ~ZapHandler();
  ZapHandler(const ZapHandler&) = delete;
  ZapHandler& operator=(const ZapHandler&) = delete;

  std::uint64_t accepted() const { return accepted_; }
  std::uint64_t refused() const { return refused_; }

 private:
  ZapHandler(zmq::socket_t socket, std::string keys_dir, DomainPolicy policy, std::string log_name);
  void run();
  void answer(std::vector<zmq::message_t>& request, KeyRing& ring);

  zmq::socket_t socket_;
  std::string keys_dir_;
  DomainPolicy policy_;
  std::string log_name_;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> accepted_{0};
  std::atomic<std::uint64_t> refused_{0};
  LogThrottle refused_log_;  // the handler thread's
  std::thread thread_;
};

}  // namespace bc::security
