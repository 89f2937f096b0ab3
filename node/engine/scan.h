#pragma once
// Scan detection: the engine reports every connection attempt as a ScanObservation; a
// ScanDetector (in the standalone node, or on a proxy fed by all workers) counts per
// source the distinct destination hosts and the distinct ports per host within
// Scan::scan_interval and emits one notice record per source per interval once a
// threshold is reached. Thread-compatible.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "node/engine/log_record.h"
#include "node/engine/settings.h"

namespace bc::node {

struct ScanObservation {
  std::int64_t ts_us = 0;  // start of the connection
  std::string src, dst;    // addresses as text
  std::uint16_t port = 0;  // destination port (ICMP: type)
  std::string proto;       // "tcp", "udp", "icmp"
  bool established = false;
};

class ScanDetector {
 public:
  explicit ScanDetector(const EngineSettings& settings);

  // A `notice` record (note Scan::Address_Scan or Scan::Port_Scan) when this observation
  // makes its source cross a threshold and the source had no notice yet in its interval.
  std::optional<LogRecord> observe(const ScanObservation& obs);
  // Forgets sources whose interval ended before now_us (bounds memory).
  void expire(std::int64_t now_us);
  // New thresholds/skip sets/interval; counting state is kept.
  void apply(const EngineSettings& settings);
  std::size_t tracked_sources() const { return sources_.size(); }

 private:
  struct Source {
    std::int64_t window_start_us = 0;
    std::unordered_set<std::string> hosts;
    std::unordered_map<std::string, std::set<std::pair<std::uint16_t, std::string>>> ports;
    bool noticed = false;
  };
  bool skipped(const ScanObservation& obs) const;
  // ACTION_LOG, plus ACTION_EMAIL / ACTION_ALARM for the notes the policy names.
  std::vector<std::string> actions_for(const std::string& note) const;
  LogRecord make_notice(const ScanObservation& obs, const char* note, std::uint64_t n,
                        const std::string& msg) const;

  EngineSettings settings_;
  std::unordered_map<std::string, Source> sources_;
};

}  // namespace bc::node
