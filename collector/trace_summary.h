#pragma once
// The manual's fourth mail: a traffic summary of each rotation interval, made from the
// manager's conn.log (what Bro's trace-summary made from traces). summarize_conn_log reads
// a conn.log (plain or .gz) and renders totals, protocols, and the top services,
// originators and responders by bytes. It is what `brocluster-trace-summary` prints; the
// collector runs the program named by TraceSummary (that one or a site's own) on every
// archived conn.log and mails its output. Thread-compatible.

#include <cstddef>
#include <string>

#include "common/status.h"

namespace bc::collector {

struct SummaryOptions {
  std::size_t top = 10;  // rows per "top" table
};

Result<std::string> summarize_conn_log(const std::string& path, const SummaryOptions& options = {});

}  // namespace bc::collector
