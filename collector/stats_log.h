#pragma once
// StatsLog: the manual's StatsLog file (SpoolDir/stats.log), one line per node sample and
// one per node action, in a plain text format that `grep`/`awk` read and that expire()
// trims. Owned by the collector's event loop; thread-compatible (a second writer to the
// same file is not expected: expire() rewrites the file and would drop lines appended
// by someone else between its read and its rename).
//
// Line formats (fields separated by one space; a space or control character inside host,
// node, type or action is written as '_', an empty field as '-'; docs/CONFIG.md,
// "stats.log", is the user's description):
//   <unix time, 6 decimals> <host> <node> <type> cpu=<pct, 1 decimal> rss=<bytes>
//       vsize=<bytes> cpu_user_s=<s, 2 decimals> cpu_system_s=<s> packets_received=<n>
//       packets_dropped=<n>
//   <unix time, 6 decimals> <host> <node> action=<action>[ <detail>]
// A sample line always has all its key=value columns, in this order; a value the sample
// does not carry (packets of a node that does not capture or has no control endpoint, CPU
// seconds from a supervisor older than them) is '-'. <action> is one of started, stopped,
// crashed, restarted, failed, host-down, host-up, bus-down, bus-up (node "-" for the last
// four) and <detail> is free text on the rest of
// the line (newlines become spaces).
//
// Every line is appended with a single write() to a file opened O_APPEND (opened per
// line, so that a rotation or expiry of the file is picked up at once). A write that
// fails (a full disk, RLIMIT_FSIZE) is an error Status naming the path; a partial line is
// cut off again, so the file never holds half a line. Nothing here throws or aborts.
// Note for the daemon: with RLIMIT_FSIZE exceeded the kernel sends SIGXFSZ, which kills a
// process that has not ignored it; the collector should ignore SIGXFSZ.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace bc::collector {

// One node's sample, as a NodeStats event carried it.
struct StatsSample {
  double cpu_pct = 0;
  std::uint64_t rss = 0;
  std::uint64_t vsize = 0;
  std::optional<double> cpu_user_s;               // cumulative, since the process started
  std::optional<double> cpu_system_s;             // 〃
  std::optional<std::uint64_t> packets_received;  // cumulative, from the node's netstats
  std::optional<std::uint64_t> packets_dropped;   // 〃
};

class StatsLog {
 public:
  explicit StatsLog(std::string path);

  // One line per node sample.
  Status sample(double unix_time, const std::string& host, const std::string& node,
                const std::string& type, const StatsSample& sample);
  // One action line. kInvalidArgument for an action not in the list above.
  Status action(double unix_time, const std::string& host, const std::string& node,
                const std::string& action, const std::string& detail = {});
  // Drops lines older than `max_age_days` (time field < now_unix - days * 86400) by
  // rewriting the file atomically (temporary + fsync + rename); returns the number of lines
  // removed. Lines whose time does not parse are kept (never delete what we cannot read).
  // max_age_days <= 0 keeps everything; a missing file is 0 lines removed. The file is
  // left untouched when nothing is removed. Streams the file: memory does not grow with it.
  Result<std::size_t> expire(double now_unix, int max_age_days);

  const std::string& path() const { return path_; }
  static bool is_known_action(std::string_view action);

 private:
  Status append(const std::string& line);

  std::string path_;
};

}  // namespace bc::collector
