#pragma once
// /api/v1/history: one node's lines of stats.log (docs/CONFIG.md "stats.log") since a
// time, as JSON. Reads the file on each request, from its end backwards at most
// kMaxHistoryBytes, so that a years-old log costs a bounded read.

#include <cstdint>
#include <string>

#include "common/status.h"
#include "messages/value.h"

namespace bc::web {

inline constexpr std::size_t kMaxHistoryBytes = 32 * 1024 * 1024;

// {node, since, samples: [{t, cpu, rss, vsize, cpu_user_s?, cpu_system_s?,
// packets_received?, packets_dropped?}], actions: [{t, action, detail}]}; a missing file
// is an empty history (the collector has written nothing yet).
Result<msg::Value> read_history(const std::string& stats_log, const std::string& node,
                                double since);

// One parsed stats.log line for `node`, appended to `samples` or `actions`; false when the
// line is not about `node`, older than `since`, or not a stats.log line.
bool parse_history_line(std::string_view line, const std::string& node, double since,
                        msg::Value& samples, msg::Value& actions);

}  // namespace bc::web
