#pragma once
// Reads stats.log back (the format is collector/stats_log.h's, docs/CONFIG.md "stats.log"):
// for `brocluster plot` and the web daemon's history. Streams the file line by line, so
// memory does not grow with it; a line that does not parse is counted with its number,
// never fatal (the file is written by one collector, but a user may have edited it).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "collector/stats_log.h"
#include "common/status.h"

namespace bc::collector {

struct StatsLogSample {
  double time = 0;  // unix seconds
  std::string host, node, type;
  StatsSample sample;
};

struct StatsLogAction {
  double time = 0;
  std::string host, node;  // node "-" for host and bus actions
  std::string action;      // started, stopped, crashed, restarted, failed, host-down, ...
  std::string detail;
};

using StatsLogRecord = std::variant<StatsLogSample, StatsLogAction>;

// Which records to read: a time range (inclusive) and node names (empty: every node; host
// and bus actions, node "-", are kept whatever the selection).
struct StatsLogFilter {
  double since = 0;
  double until = 0;  // 0: no upper bound
  std::set<std::string> nodes;
};

struct StatsLogReadSummary {
  std::size_t records = 0;               // passed to the callback
  std::size_t malformed = 0;             // lines that do not parse
  std::size_t first_malformed_line = 0;  // 1-based, 0 when none
};

// One record, or nullopt for a line that is not one.
std::optional<StatsLogRecord> parse_stats_log_line(std::string_view line);

// Calls `record` for every record of `path` that passes `filter`, in file order. kNotFound
// naming the path when it does not exist, kIo when it cannot be read.
Result<StatsLogReadSummary> read_stats_log(
    const std::string& path, const StatsLogFilter& filter,
    const std::function<void(const StatsLogRecord&)>& record);

}  // namespace bc::collector
