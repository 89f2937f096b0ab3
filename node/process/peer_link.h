#pragma once
// PeerLink: this node's connection to one other node of the cluster (the manager or
// logger that writes the logs, or a proxy that runs scan detection). A DEALER socket
// connected to the peer's ROUTER, plus a socket monitor so that `peerstatus` can say
// whether the connection is up. Records are batched (up to kBatch per message, or until
// flush()).
//
// Log batches are delivered exactly once (docs/NODE-PROTOCOL.md, "Delivery"): numbered
// under this link's random sender id, kept in a LogOutbox (memory, then the spool dir's
// spill file, then counted drops) until the sink acks them, sent while the link is up
// with at most kWindow unacked in flight, and resent from the oldest unacked one on every
// (re)connect and when no ack came for kResendAfter. Scan observations are sent once,
// unnumbered: a full queue drops them, counted. Nothing here blocks. Owned by the node's
// event loop.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <zmq.hpp>

#include "messages/value.h"
#include "node/engine/log_record.h"
#include "node/engine/scan.h"
#include "node/process/cluster_wire.h"
#include "node/process/log_outbox.h"
#include "security/bus_security.h"

namespace bc::node {

struct PeerAddress {
  std::string node;      // "manager", "proxy-1"
  std::string role;      // "manager", "logger", "proxy"
  std::string endpoint;  // tcp://address:port
  std::string host;      // node.cfg host= of the peer: the name of its CURVE key
};

struct LinkBuffer {
  std::string spill_path;  // empty: memory only
  std::uint64_t memory_bytes = 16ull << 20;
  std::uint64_t disk_bytes = 0;
};

class PeerLink {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  static constexpr std::size_t kBatch = 512;
  static constexpr std::uint64_t kWindow = 64;  // unacked batches in flight
  static constexpr auto kResendAfter = std::chrono::seconds(2);

  // `self` is this node's name (carried in every message).
  // With `security` (CURVE on), the peer's key is the one named after its host.
  PeerLink(zmq::context_t& ctx, PeerAddress peer, std::string self, LinkBuffer buffer = {},
           int queue_messages = 1000, const security::BusSecurity* security = nullptr);
  PeerLink(const PeerLink&) = delete;
  PeerLink& operator=(const PeerLink&) = delete;

  void add(const LogRecord& record);
  void add(const ScanObservation& observation);
  // Closes the partial batches and sends what the window allows (never blocks).
  void flush();
  // Resends when the sink has been silent for kResendAfter with batches in flight.
  void tick(TimePoint now);

  // For zmq::poll: the link's socket (acks) and its monitor.
  zmq::socket_t& socket() { return dealer_; }
  void on_readable(TimePoint now);
  zmq::socket_t& monitor() { return monitor_; }
  void on_monitor(TimePoint now);
  // True while log batches wait for their ack.
  bool unacked() const { return !outbox_.empty(); }

  // {node, role, endpoint, state, connects, disconnects, sender, sent_records,
  //  acked_records, buffered_records, spilled_bytes, resent_batches, dropped_records}
  msg::Value status() const;
  const PeerAddress& peer() const { return peer_; }
  std::uint64_t dropped_records() const { return dropped_scans_ + outbox_.dropped_records(); }
  std::uint64_t buffered_records() const { return outbox_.buffered_records(); }

 private:
  void send_scans();
  void pump(TimePoint now);
  void rewind(TimePoint now);

  PeerAddress peer_;
  std::string self_;
  std::string sender_id_;
  zmq::socket_t dealer_;
  zmq::socket_t monitor_;
  LogOutbox outbox_;
  LogBatch logs_;
  ScanBatch scans_;
  std::string state_ = "connecting";
  std::uint64_t next_send_ = 1;  // the next seq to put on the wire
  TimePoint last_progress_{};
  std::uint64_t connects_ = 0, disconnects_ = 0, sent_ = 0, resent_ = 0, dropped_scans_ = 0;
};

}  // namespace bc::node
