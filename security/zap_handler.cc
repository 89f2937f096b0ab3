#include "security/zap_handler.h"

#include <spdlog/spdlog.h>
#include <zmq.h>

#include <zmq_addon.hpp>

#include <array>
#include <iterator>

#include "common/strings.h"
#include "security/curve_socket.h"

namespace bc::security {

DomainPolicy cluster_domain_policy() {
  using enum Role;
  return {
      // Every known key may talk to a supervisor or the collector; what it may ask is
      // decided per command (command_policy.h), so that a monitor key gets a clear
      // "permission denied" rather than a silent timeout.
      {std::string(kDomainSupervisor), {kSupervisor, kAdmin, kMonitor}},
      {std::string(kDomainCollector), {kSupervisor, kAdmin, kMonitor}},
      // Only the daemons publish events; anyone known may subscribe.
      {std::string(kDomainBusIn), {kSupervisor}},
      {std::string(kDomainBusOut), {kSupervisor, kAdmin, kMonitor}},
      // The reference node's links between nodes: only the daemons' host keys.
      {std::string(kDomainNode), {kSupervisor}},
  };
}

Result<std::unique_ptr<ZapHandler>> ZapHandler::start(zmq::context_t& ctx, std::string keys_dir,
                                                      DomainPolicy policy, std::string log_name) {
  zmq::socket_t socket(ctx, zmq::socket_type::rep);
  socket.set(zmq::sockopt::linger, 0);
  try {
    socket.bind("inproc://zeromq.zap.01");
  } catch (const zmq::error_t& e) {
    return Status::internal(std::string("cannot bind the ZAP handler: ") + e.what());
  }
  auto handler = std::unique_ptr<ZapHandler>(new ZapHandler(
      std::move(socket), std::move(keys_dir), std::move(policy), std::move(log_name)));
  handler->thread_ = std::thread([h = handler.get()] { h->run(); });
  return handler;
}

ZapHandler::ZapHandler(zmq::socket_t socket, std::string keys_dir, DomainPolicy policy,
                       std::string log_name)
    : socket_(std::move(socket)),
      keys_dir_(std::move(keys_dir)),
      policy_(std::move(policy)),
      log_name_(std::move(log_name)) {}

ZapHandler::~ZapHandler() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void ZapHandler::run() {
  KeyRing ring(keys_dir_);
  if (Status s = ring.load(); !s.is_ok()) {
    spdlog::error("{}: key lists: {}; every connection is refused until they are fixed", log_name_,
                  s.message());
  }
  while (!stop_) {
    std::array<zmq::pollitem_t, 1> items = {{{socket_.handle(), 0, ZMQ_POLLIN, 0}}};
    try {
      // The timeout only bounds how long the destructor waits for this thread.
      zmq::poll(items.data(), items.size(), std::chrono::milliseconds(100));
      if ((items[0].revents & ZMQ_POLLIN) == 0) continue;
      std::vector<zmq::message_t> request;
      if (!zmq::recv_multipart(socket_, std::back_inserter(request), zmq::recv_flags::dontwait)) {
        continue;
      }
      answer(request, ring);
    } catch (const zmq::error_t& e) {
      if (e.num() == ETERM) return;
      spdlog::warn("{}: ZAP handler: {}", log_name_, e.what());
    }
  }
}

void ZapHandler::answer(std::vector<zmq::message_t>& request, KeyRing& ring) {
  // RFC 27: version, request id, domain, address, identity, mechanism, credentials...
  auto reply = [&](std::string_view code, std::string_view text, std::string_view user) {
    std::array<zmq::const_buffer, 6> frames = {
        zmq::buffer(std::string_view("1.0")),
        zmq::buffer(request.size() > 1 ? request[1].to_string_view() : std::string_view()),
        zmq::buffer(code),
        zmq::buffer(text),
        zmq::buffer(user),
        zmq::buffer(std::string_view())};
    (void)zmq::send_multipart(socket_, frames);
  };
  if (request.size() < 6 || request[0].to_string_view() != "1.0") {
    ++refused_;
    reply("400", "malformed ZAP request", "");
    return;
  }
  const std::string domain = request[2].to_string();
  const std::string address = request[3].to_string();
  if (request[5].to_string_view() != "CURVE" || request.size() < 7 || request[6].size() != 32) {
    ++refused_;
    if (std::uint64_t left_out = 0;
        refused_log_.allow(std::chrono::steady_clock::now(), left_out)) {
      spdlog::warn("{}: refused a {} connection from {} to '{}': not CURVE{}", log_name_,
                   printable(request[5].to_string_view(), 16), printable(address),
                   printable(domain), left_out_note(left_out));
    }
    reply("400", "CURVE required", "");
    return;
  }
  std::array<char, 41> z85{};
  zmq_z85_encode(z85.data(), static_cast<const std::uint8_t*>(request[6].data()), 32);
  if (Status s = ring.refresh(); !s.is_ok()) {
    spdlog::error("{}: key lists: {} (the previous lists stay in force)", log_name_, s.message());
  }
  const KeyEntry* entry = ring.lists().find_key(z85.data());
  const auto allowed = policy_.find(domain);
  if (entry == nullptr || allowed == policy_.end() || !allowed->second.contains(entry->role)) {
    ++refused_;
    // Only the start of the key: enough to find it in a list, and a public key anyway.
    if (std::uint64_t left_out = 0;
        refused_log_.allow(std::chrono::steady_clock::now(), left_out)) {
      spdlog::warn("{}: refused a connection from {} to '{}': {} key {}...{}", log_name_,
                   printable(address), printable(domain),
                   entry == nullptr
                       ? std::string("unknown")
                       : std::string(role_name(entry->role)) + " '" + entry->name + "'",
                   std::string(z85.data(), 8), left_out_note(left_out));
    }
    reply("400", entry == nullptr ? "unknown key" : "role not allowed here", "");
    return;
  }
  ++accepted_;
  reply("200", "OK", z85.data());
}

}  // namespace bc::security
