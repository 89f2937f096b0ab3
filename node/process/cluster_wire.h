#pragma once
// The node-to-node messages of a cluster (docs/NODE-PROTOCOL.md, "Cluster links"): one
// ZeroMQ frame, a msgpack map encoded with the project's Value codec, in one of two kinds:
//
//   {v:1, type:"logs", node:<sender>, records:[[stream, [value, ...]], ...]}
//   {v:1, type:"scan", node:<sender>, obs:[[ts_us, src, dst, port, proto, established], ...]}
//
// Batches keep the per-message cost low at packet rates. Decoding never trusts its input:
// a frame that is not such a map, a record of an unknown stream or with the wrong number
// of values is an error (the receiver counts and drops it).

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
};

struct ScanBatch {
  std::string node;
  std::vector<ScanObservation> observations;
};

std::string encode_logs(const LogBatch& batch);
std::string encode_scans(const ScanBatch& batch);

// Either kind, decoded; exactly one of the vectors is filled.
struct ClusterMessage {
  std::string node;
  std::vector<LogRecord> records;
  std::vector<ScanObservation> observations;
};
Result<ClusterMessage> decode_cluster_message(std::string_view bytes);

}  // namespace bc::node
