#include "shell/cluster_client.h"

#include <cerrno>
#include <cmath>
#include <cstdio>

#include "config/endpoints.h"
#include "shell/interrupt.h"
#include "shell/local_daemons.h"

namespace bc::shell {
namespace {

// How long a Ctrl-C waits for the hosts to confirm they ended the cancelled work.
constexpr std::chrono::milliseconds kCancelWait{2000};

// zmq::poll that treats a signal (Ctrl-C) as "nothing arrived": the caller's loop then
// sees interrupted() and ends the wait cleanly instead of throwing EINTR at the command.
void poll_items(std::vector<zmq::pollitem_t>& items, std::chrono::milliseconds timeout) {
  try {
    zmq::poll(items.data(), items.size(), timeout);
  } catch (const zmq::error_t& e) {
    if (e.num() != EINTR) throw;
  }
}

}  // namespace

ClusterClient::ClusterClient(zmq::context_t& ctx, const config::Cluster& cluster,
                             const security::BusSecurity* security)
    : ctx_(ctx),
      cluster_(cluster),
      security_(security),
      comm_timeout_(
          static_cast<long>(std::lround(cluster.options.get_double("CommTimeout") * 1000))) {}

net::RequestClient& ClusterClient::client_for(const std::string& host) {
  auto it = clients_.find(host);
  if (it == clients_.end()) {
    it = clients_
             .emplace(host, std::make_unique<net::RequestClient>(
                                ctx_, config::supervisor_endpoint(cluster_, host), security_, host))
             .first;
  }
  return *it->second;
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
  std::vector<std::uint64_t> ids;
  for (const Call& call : calls) {
    char secs[32];
    std::snprintf(secs, sizeof secs, "%.1f", static_cast<double>(timeout.count()) / 1000.0);
    outcomes.push_back(
        {call, Status::unreachable("host " + call.host + " did not answer within " + secs + " s; " +
                                   supervisor_start_hint(call.host))});
    ids.push_back(client_for(call.host).send(call.cmd, call.args));
  }
  std::vector<bool> done(calls.size(), false);
  std::size_t left = calls.size();
  for (std::size_t i = 0; i < calls.size(); ++i) {
    const Status& setup = client_for(calls[i].host).setup();
    if (setup.is_ok()) continue;
    outcomes[i].reply = Status(setup.code(), "host " + calls[i].host + ": " + setup.message());
    done[i] = true;
    --left;
    if (on_reply) on_reply(outcomes[i]);
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (left > 0) {
    if (interrupted()) {
      cancel_unanswered(calls, ids, done, outcomes);
      break;
    }
    std::vector<zmq::pollitem_t> items;
    std::vector<std::string> hosts;
    for (auto& [host, client] : clients_) {
      items.push_back({client->socket().handle(), 0, ZMQ_POLLIN, 0});
      hosts.push_back(host);
    }
    // A host that refused our key will never answer: report it now, not at the deadline.
    std::vector<zmq::pollitem_t> monitors;
    for (auto& [host, client] : clients_) {
      if (client->monitor() != nullptr)
        monitors.push_back({client->monitor()->handle(), 0, ZMQ_POLLIN, 0});
      if (!client->check_refused()) continue;
      for (std::size_t i = 0; i < calls.size(); ++i) {
        if (done[i] || calls[i].host != host) continue;
        outcomes[i].reply =
            Status(client->refused().code(), "host " + host + ": " + client->refused().message());
        done[i] = true;
        --left;
        if (on_reply) on_reply(outcomes[i]);
      }
    }
    if (left == 0) break;
    items.insert(items.end(), monitors.begin(), monitors.end());
    const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (remaining.count() <= 0) break;
    poll_items(items, remaining);
    for (std::size_t h = 0; h < hosts.size(); ++h) {
      if ((items[h].revents & ZMQ_POLLIN) == 0) continue;
      net::RequestClient& client = *clients_.at(hosts[h]);
      client.drain();
      for (std::size_t i = 0; i < calls.size(); ++i) {
        if (done[i] || calls[i].host != hosts[h]) continue;
        if (auto reply = client.take(ids[i])) {
          outcomes[i].reply = std::move(*reply);
          done[i] = true;
          --left;
          if (on_reply) on_reply(outcomes[i]);
        }
      }
    }
  }
  if (on_reply) {
    for (std::size_t i = 0; i < calls.size(); ++i) {
      if (!done[i]) on_reply(outcomes[i]);
    }
  }
  return outcomes;
}

void ClusterClient::cancel_unanswered(const std::vector<Call>& calls,
                                      const std::vector<std::uint64_t>& ids,
                                      const std::vector<bool>& done,
                                      std::vector<Outcome>& outcomes) {
  // One `cancel` per unanswered request: the host ends the work it started for it (exec's
  // process group) and says how much that was; a request that started none (a node start
  // under way) goes on there, and the message says so rather than pretend it stopped.
  struct Pending {
    std::size_t call;
    std::uint64_t cancel_id;
  };
  std::vector<Pending> pending;
  for (std::size_t i = 0; i < calls.size(); ++i) {
    if (done[i]) continue;
    outcomes[i].reply =
        Status(ErrorCode::kCancelled, "host " + calls[i].host + ": stopped waiting for '" +
                                          calls[i].cmd + "' (Ctrl-C); it may still complete there");
    msg::Value args = msg::Value::empty_map();
    args.set("id", ids[i]);
    pending.push_back({i, client_for(calls[i].host).send("cancel", std::move(args))});
  }
  // Wait (briefly) for the hosts to confirm, so that the work is gone when we return, also
  // when the shell exits right after (one-shot mode) and would drop an unsent request.
  const auto deadline = std::chrono::steady_clock::now() + std::min(kCancelWait, comm_timeout_);
  while (!pending.empty()) {
    const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (remaining.count() <= 0) break;
    std::vector<zmq::pollitem_t> items;
    for (const Pending& p : pending)
      items.push_back({client_for(calls[p.call].host).socket().handle(), 0, ZMQ_POLLIN, 0});
    poll_items(items, remaining);
    std::erase_if(pending, [&](const Pending& p) {
      const Call& call = calls[p.call];
      net::RequestClient& client = client_for(call.host);
      client.drain();
      auto reply = client.take(p.cancel_id);
      if (!reply) return client.check_refused();
      std::int64_t killed = 0;
      if (reply->ok && reply->result) killed = reply->result->get_int("cancelled").value_or(0);
      if (killed > 0) {
        outcomes[p.call].reply = Status(
            ErrorCode::kCancelled, "host " + call.host + ": '" + call.cmd + "' cancelled (Ctrl-C)");
      }
      return true;
    });
  }
}

}  // namespace bc::shell
