#pragma once
// PeerLink: this node's connection to one other node of the cluster (the manager or
// logger that writes the logs, or a proxy that runs scan detection). A PUSH socket
// connected to the peer's PULL, plus a socket monitor so that `peerstatus` can say whether
// the connection is up. Records are batched (up to kBatch per message, or until flush());
// ZeroMQ queues up to `queue_messages` batches while the peer is away and reconnects by
// itself; beyond that bound batches are dropped and their records counted, never blocked
// on. Owned by the node's event loop.

#include <cstdint>
#include <string>
#include <zmq.hpp>

#include "messages/value.h"
#include "node/engine/log_record.h"
#include "node/engine/scan.h"
#include "node/process/cluster_wire.h"
#include "security/bus_security.h"

namespace bc::node {

struct PeerAddress {
  std::string node;      // "manager", "proxy-1"
  std::string role;      // "manager", "logger", "proxy"
  std::string endpoint;  // tcp://address:port
  std::string host;      // node.cfg host= of the peer: the name of its CURVE key
};

class PeerLink {
 public:
  static constexpr std::size_t kBatch = 512;

  // `self` is this node's name (carried in every message).
  // With `security` (CURVE on), the peer's key is the one named after its host.
  PeerLink(zmq::context_t& ctx, PeerAddress peer, std::string self, int queue_messages = 1000,
           const security::BusSecurity* security = nullptr);
  PeerLink(const PeerLink&) = delete;
  PeerLink& operator=(const PeerLink&) = delete;

  void add(const LogRecord& record);
  void add(const ScanObservation& observation);
  // Sends the partial batches (never blocks).
  void flush();

  // The monitor socket, for zmq::poll; on_monitor() reads its events.
  zmq::socket_t& monitor() { return monitor_; }
  void on_monitor();

  // {node, role, endpoint, state, connects, disconnects, sent_records, dropped_records}
  msg::Value status() const;
  const PeerAddress& peer() const { return peer_; }
  std::uint64_t dropped_records() const { return dropped_; }
  std::uint64_t sent_records() const { return sent_; }

 private:
  void send(std::string bytes, std::size_t records);

  PeerAddress peer_;
  std::string self_;
  zmq::socket_t push_;
  zmq::socket_t monitor_;
  LogBatch logs_;
  ScanBatch scans_;
  std::string state_ = "connecting";
  std::uint64_t connects_ = 0, disconnects_ = 0, sent_ = 0, dropped_ = 0;
};

}  // namespace bc::node
