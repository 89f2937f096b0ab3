#include "shell/cluster_client.h"

#include <algorithm>
#include <cmath>

#include "config/endpoints.h"
#include "shell/interrupt.h"
#include "shell/local_daemons.h"

namespace bc::shell {
namespace {

// How long a Ctrl-C waits for the hosts to confirm they ended the cancelled work.
constexpr std::chrono::milliseconds kCancelWait{2000};

}  // namespace

ClusterClient::ClusterClient(zmq::context_t& ctx, const config::Cluster& cluster,
                             const security::BusSecurity* security)
    : cluster_(cluster),
      comm_timeout_(cluster.options.get_millis("CommTimeout")),
      mux_(ctx, clock_, security) {
  mux_.set_interrupt_check(&interrupted);
}

void ClusterClient::connect(const std::string& host) {
  mux_.add_peer(host, config::supervisor_endpoint(cluster_, host), host, "host " + host);
}

std::vector<Outcome> ClusterClient::run(const std::vector<Call>& calls,
                                        std::chrono::milliseconds timeout,
                                        const std::function<void(const Outcome&)>& on_reply) {
  std::vector<Outcome> outcomes;
  if (interrupted()) {
    // Ctrl-C ended an earlier step of this command: ask nothing more of anyone.
    for (const Call& call : calls) {
      outcomes.push_back(
          {call, Status(ErrorCode::kCancelled,
                        "host " + call.host + ": '" + call.cmd + "' not sent (Ctrl-C)")});
      if (on_reply) on_reply(outcomes.back());
    }
    return outcomes;
  }
  // Each is overwritten when its request ends, which the mux guarantees before wait_all().
  for (const Call& call : calls)
    outcomes.push_back({call, Status(ErrorCode::kInternal, "no outcome")});
  std::vector<std::uint64_t> ids(calls.size(), 0);
  std::vector<bool> done(calls.size(), false);
  bool cancelling = false;  // Ctrl-C: outcomes are told once the hosts confirmed
  for (std::size_t i = 0; i < calls.size(); ++i) {
    connect(calls[i].host);
    auto id = mux_.send(calls[i].host, calls[i].cmd, calls[i].args, timeout,
                        [&, i](const Result<msg::Reply>& reply) {
                          outcomes[i].reply = reply;
                          if (!reply.is_ok() && reply.status().code() == ErrorCode::kUnreachable) {
                            outcomes[i].reply =
                                Status::unreachable(reply.status().message() + "; " +
                                                    supervisor_start_hint(calls[i].host));
                          }
                          done[i] = true;
                          if (on_reply && !cancelling) on_reply(outcomes[i]);
                        });
    ids[i] = *id;  // every host is a peer: connect() made it one
  }
  if (!mux_.wait_all().is_ok()) {
    cancelling = true;
    const std::vector<std::size_t> open = cancel_unanswered(calls, ids, done, outcomes);
    if (on_reply) {
      for (std::size_t i : open)
        on_reply(outcomes[i]);
    }
  }
  return outcomes;
}

std::vector<std::size_t> ClusterClient::cancel_unanswered(const std::vector<Call>& calls,
                                                          const std::vector<std::uint64_t>& ids,
                                                          const std::vector<bool>& done,
                                                          std::vector<Outcome>& outcomes) {
  // One `cancel` per unanswered request: the host ends the work it started for it (exec's
  // process group) and says how much that was; a request that started none (a node start
  // under way) goes on there, and the message says so rather than pretend it stopped.
  std::vector<std::size_t> open;
  for (std::size_t i = 0; i < calls.size(); ++i) {
    if (!done[i]) open.push_back(i);
  }
  std::vector<Status> cancelled;
  for (std::size_t i : open) {
    cancelled.push_back(Status(ErrorCode::kCancelled,
                               "host " + calls[i].host + ": stopped waiting for '" + calls[i].cmd +
                                   "' (Ctrl-C); it may still complete there"));
  }
  for (std::size_t k = 0; k < open.size(); ++k)
    mux_.abandon(ids[open[k]], cancelled[k]);
  // Wait (briefly) for the hosts to confirm, so that the work is gone when we return, also
  // when the shell exits right after (one-shot mode) and would drop an unsent request.
  // Not interruptible: the Ctrl-C that brought us here is still set.
  mux_.set_interrupt_check({});
  const auto wait = std::min(kCancelWait, comm_timeout_);
  for (std::size_t i : open) {
    msg::Value args = msg::Value::empty_map();
    args.set("id", ids[i]);
    (void)mux_.send(
        calls[i].host, "cancel", std::move(args), wait, [&, i](const Result<msg::Reply>& reply) {
          if (!reply.is_ok() || !reply->ok || !reply->result) return;
          if (reply->result->get_int("cancelled").value_or(0) <= 0) return;
          outcomes[i].reply =
              Status(ErrorCode::kCancelled,
                     "host " + calls[i].host + ": '" + calls[i].cmd + "' cancelled (Ctrl-C)");
        });
  }
  (void)mux_.wait_all();
  mux_.set_interrupt_check(&interrupted);
  return open;
}

}  // namespace bc::shell
