#pragma once
// StatsLog: the manual's StatsLog file (SpoolDir/stats.log), one line per node sample and
// one per node action, in a plain text format that `grep`/`awk` read and that expire()
// trims. Owned by the collector's event loop; thread-compatible (a second writer to the
// same file is not expected: expire() rewrites the file and would drop lines appended
// by someone else between its read and its rename).
//
// Line formats (fields separated by one space; a space or control character inside host,
// node, type or action is written as '_', an empty field as '-'):
//   <unix time, 6 decimals> <host> <node> <type> cpu=<pct, 1 decimal> rss=<bytes>
//       vsize=<bytes>[ packets=<n>][ dropped=<n>]
//   <unix time, 6 decimals> <host> <node> action=<action>[ <detail>]
// where <action> is one of started, stopped, crashed, restarted, failed, host-down,
// host-up, bus-down, bus-up (node "-" for the last four) and <detail> is free text on the rest of
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

class StatsLog {
 public:
  explicit StatsLog(std::string path);

  // One line per node sample.
  Status sample(double unix_time, const std::string& host, const std::string& node,
                const std::string& type, double cpu_pct, std::uint64_t rss, std::uint64_t vsize,
                std::optional<std::uint64_t> packets, std::optional<std::uint64_t> dropped);
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
