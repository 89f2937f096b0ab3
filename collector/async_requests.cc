#include "collector/async_requests.h"

namespace bc::collector {

AsyncRequests::AsyncRequests(zmq::context_t& ctx, std::map<std::string, std::string> endpoints,
                             const Clock& clock, const security::BusSecurity* security)
    : ctx_(ctx), clock_(clock), security_(security), endpoints_(std::move(endpoints)) {
  for (const auto& [host, endpoint] : endpoints_) {
    clients_.emplace(host, std::make_unique<net::RequestClient>(ctx_, endpoint, security, host));
  }
}

void AsyncRequests::add_host(const std::string& host, const std::string& endpoint) {
  if (clients_.count(host) != 0) return;
  endpoints_[host] = endpoint;
  clients_.emplace(host, std::make_unique<net::RequestClient>(ctx_, endpoint, security_, host));
}

Status AsyncRequests::send(const std::string& host, std::string_view cmd, msg::Value args,
                           std::chrono::milliseconds timeout, Callback callback) {
  auto it = clients_.find(host);
  if (it == clients_.end()) return Status::not_found("no supervisor endpoint for host " + host);
  const std::uint64_t id = it->second->send(cmd, std::move(args));
  // The loop's clock, which expire() is given too (it used to be the real one here).
  pending_[{host, id}] = {host, clock_.now() + timeout, std::move(callback)};
  return Status::ok();
}

std::vector<std::pair<std::string, zmq::socket_t*>> AsyncRequests::sockets() {
  std::vector<std::pair<std::string, zmq::socket_t*>> out;
  for (auto& [host, client] : clients_)
    out.emplace_back(host, &client->socket());
  return out;
}

void AsyncRequests::on_readable(const std::string& host) {
  // In the order the replies came, and a reply to a request past its deadline dropped (it
  // used to stay in the client's inbox for good). Collected first: a callback may send new
  // requests.
  std::vector<std::pair<Callback, msg::Reply>> ready;
  for (msg::Reply& reply : clients_.at(host)->receive_all()) {
    auto it = pending_.find({host, reply.id});
    if (it == pending_.end()) continue;  // past its deadline: its callback has run already
    ready.emplace_back(std::move(it->second.callback), std::move(reply));
    pending_.erase(it);
  }
  for (auto& [callback, reply] : ready)
    callback(reply);
}

void AsyncRequests::expire(std::chrono::steady_clock::time_point now) {
  std::vector<std::pair<Callback, std::string>> expired;
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->second.deadline <= now) {
      expired.emplace_back(std::move(it->second.callback), it->second.host);
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& [callback, host] : expired) {
    callback(Status::unreachable("supervisor of " + host + " did not answer in time"));
  }
}

}  // namespace bc::collector
