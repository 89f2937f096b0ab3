#pragma once
// The node-to-node messages of a cluster (docs/NODE-PROTOCOL.md, "Cluster links"): one
// ZeroMQ frame, a msgpack map encoded with the project's Value codec, in one of two kinds:
//
//   {v:1, type:"logs", node:<sender>, sender:<id>, seq:N, base:B,
//         records:[[stream, [value, ...]], ...]}
//   {v:1, type:"scan", node:<sender>, obs:[[ts_us, src, dst, port, proto, established], ...]}
//   {v:1, type:"ack", node:<sink>, sender:<id>, seq:N}        (sink -> sender)
//
// A logs batch with sender/seq is delivered exactly once (the sink acks what it wrote and
// drops what it already wrote); `base` is the sender's oldest unacknowledged seq, so that a
// sink that never heard of the sender knows where its sequence starts. Without sender/seq
// a logs batch is written as it comes (no dedup).
//
// Batches keep the per-message cost low at packet rates. Decoding never trusts its input:
// a frame that is not such a map, a record of an unknown stream or with the wrong number
// of values is an error (the receiver counts and drops it).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "node/engine/log_record.h"
#include "node/engine/scan.h"

namespace bc::node {

struct LogBatch {
  std::string node;
  std::vector<LogRecord> records;
  std::string sender;      // the sending incarnation's id; empty = unsequenced
  std::uint64_t seq = 0;   // 1, 2, ... per sender id
  std::uint64_t base = 0;  // the sender's oldest unacknowledged seq when sent
};

struct LogAck {
  std::string node;  // the sink
  std::string sender;
  std::uint64_t seq = 0;  // every batch of `sender` up to seq is written
};

struct ScanBatch {
  std::string node;
  std::vector<ScanObservation> observations;
};

std::string encode_logs(const LogBatch& batch);
std::string encode_scans(const ScanBatch& batch);
std::string encode_ack(const LogAck& ack);
Result<LogAck> decode_ack(std::string_view bytes);

// Either kind, decoded; exactly one of the vectors is filled.
struct ClusterMessage {
  std::string node;
  std::string sender;  // logs only, when sequenced
  std::uint64_t seq = 0, base = 0;
  std::vector<LogRecord> records;
  std::vector<ScanObservation> observations;
};
Result<ClusterMessage> decode_cluster_message(std::string_view bytes);

}  // namespace bc::node
