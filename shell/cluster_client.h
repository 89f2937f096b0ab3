#pragma once
// The shell's line to the supervisors: the blocking mode of net::RequestMux (one DEALER per
// host, requests to many hosts in parallel) with one deadline for a batch and Ctrl-C. A host
// that does not answer in time is reported unreachable by name; it never holds up the
// others and never looks "crashed". One client serves a whole command, so that its steps
// reuse their connections. Owned by one shell command; single-threaded.

#include <chrono>
#include <functional>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "common/clock.h"
#include "common/status.h"
#include "config/cluster.h"
#include "messages/request.h"
#include "net/request_mux.h"

namespace bc::shell {

struct Call {
  std::string host;
  std::string cmd;
  msg::Value args = msg::Value::empty_map();
  std::string tag;  // caller's label (e.g. the node name); echoed in the outcome
};

struct Outcome {
  Call call;
  Result<msg::Reply> reply;  // kUnreachable when the host did not answer in time
};

class ClusterClient {
 public:
  // `security` (nullptr: plain) must outlive the client; ShellContext::security() does.
  ClusterClient(zmq::context_t& ctx, const config::Cluster& cluster,
                const security::BusSecurity* security);

  // Sends every call at once and waits until each has its reply or `timeout` has passed.
  // `on_reply` (optional) sees each outcome as it arrives, for progress output; the
  // returned list is in the order of `calls`. Ctrl-C (interrupt.h) ends the wait: the
  // calls not answered yet are cancelled on their hosts and come back kCancelled.
  std::vector<Outcome> run(const std::vector<Call>& calls, std::chrono::milliseconds timeout,
                           const std::function<void(const Outcome&)>& on_reply = {});

  // CommTimeout of cluster.cfg.
  std::chrono::milliseconds comm_timeout() const { return comm_timeout_; }

 private:
  // Connects to the supervisor of `host` unless connected.
  void connect(const std::string& host);
  // Ends each call not done as cancelled, sends `cancel` for it and waits briefly for the
  // hosts to confirm; returns the calls it ended.
  std::vector<std::size_t> cancel_unanswered(const std::vector<Call>& calls,
                                             const std::vector<std::uint64_t>& ids,
                                             const std::vector<bool>& done,
                                             std::vector<Outcome>& outcomes);

  const config::Cluster& cluster_;
  std::chrono::milliseconds comm_timeout_;
  SystemClock clock_;
  net::RequestMux mux_;
};

}  // namespace bc::shell
