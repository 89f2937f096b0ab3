#pragma once
// Test helpers: a RecordSink that keeps everything, and a runner that feeds a built
// packet list through an Engine.

#include <map>
#include <string>
#include <vector>

#include "node/engine/engine.h"
#include "tests/support/pcap_builder.h"

namespace bc::node::test {

inline constexpr std::int64_t kT0 = 1'700'000'000'000'000;  // 2023-11-14 22:13:20 UTC

struct CollectSink : RecordSink {
  std::vector<LogRecord> records;
  std::vector<ScanObservation> scans;
  void log(const LogRecord& r) override { records.push_back(r); }
  void scan(const ScanObservation& o) override { scans.push_back(o); }
  std::vector<LogRecord> of(const std::string& stream) const;
};

// Field name → value, by the stream's schema.
std::map<std::string, std::string> fields(const LogRecord& r);

// Runs every frame through one Engine, then flush_all(last ts + 1 s) when `flush`.
CollectSink run_engine(const bc::test::PcapBuilder& b, const EngineSettings& s = {},
                       bool flush = true);

PacketView view_of(const bc::test::Frame& f);

}  // namespace bc::node::test
