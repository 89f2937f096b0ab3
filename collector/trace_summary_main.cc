// brocluster-trace-summary <conn.log[.gz]>: prints the traffic summary of a conn.log — the
// program to name in TraceSummary for the collector's summary mail (docs/CONFIG.md).

#include <cstdio>

#include "collector/trace_summary.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <conn.log[.gz]>\n", argv[0]);
    return 2;
  }
  auto summary = bc::collector::summarize_conn_log(argv[1]);
  if (!summary.is_ok()) {
    std::fprintf(stderr, "brocluster-trace-summary: %s\n", summary.status().message().c_str());
    return 1;
  }
  std::fputs(summary->c_str(), stdout);
  return 0;
}
