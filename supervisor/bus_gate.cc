#include "supervisor/bus_gate.h"

#include <spdlog/spdlog.h>
#include <zmq_addon.hpp>

#include "messages/codec.h"
#include "net/socket_factory.h"

namespace bc::sup {

BusGate::BusGate(zmq::context_t& ctx, const std::string& host, const std::string& sub_endpoint,
                 const security::BusSecurity* security)
    : probe_(net::make_socket(ctx, zmq::socket_type::sub)), open_(sub_endpoint.empty()) {
  if (open_) {
    probe_.close();
    return;
  }
  if (security != nullptr &&
      !security->secure_client(probe_, std::string(security::kBrokerKeyName)).is_ok()) {
    return;  // never confirmed: the gate opens at its deadline
  }
  // The exact topic (no trailing dot), so other hosts' heartbeats are filtered out by topic.
  probe_.set(zmq::sockopt::subscribe, "hb." + host);
  probe_.connect(sub_endpoint);
}

void BusGate::on_probe_readable(pid_t self) {
  while (!open_) {
    std::vector<zmq::message_t> frames;
    if (!zmq::recv_multipart(probe_, std::back_inserter(frames), zmq::recv_flags::dontwait)) {
      return;
    }
    if (frames.size() != 2) continue;
    // The broker's heartbeat may share our topic (same host): only our own pid counts.
    auto hb = msg::decode<msg::Heartbeat>(frames[1].to_string_view());
    if (hb.is_ok() && hb->role == "supervisor" && hb->pid == self) open();
  }
}

void BusGate::publish(std::function<void()> publication) {
  if (open_) {
    publication();
  } else {
    held_.push_back(std::move(publication));
  }
}

void BusGate::open() {
  if (open_) return;
  open_ = true;
  probe_.close();
  auto held = std::move(held_);
  held_.clear();
  for (auto& publication : held)
    publication();
}

}  // namespace bc::sup
