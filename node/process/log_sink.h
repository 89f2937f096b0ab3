#pragma once
// LogSink: the logs this node writes itself — every stream of a standalone node, the
// aggregated cluster logs on the manager (or logger). One LogWriter per stream, opened
// when its first record arrives, in the node's spool dir. Also keeps the most recent
// notices for the control protocol's `notices`. Owned by the event loop.

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "node/engine/log_record.h"
#include "node/engine/log_writer.h"

namespace bc::node {

class LogSink {
 public:
  static constexpr std::size_t kRecentNotices = 100;

  explicit LogSink(std::string dir) : dir_(std::move(dir)) {}

  // Records of unknown streams or with a wrong value count are counted and dropped.
  void write(const LogRecord& record);
  // False when a write failed since the last flush (disk full, permissions): the delivery
  // round is then undone and its batches come again (node_loop.cc, on_pull).
  bool flush();
  // Starts every open log anew (#close, fresh header): log rotation.
  std::vector<std::string> reopen();
  void close();

  std::uint64_t records() const { return records_; }
  std::uint64_t rejected() const { return rejected_; }
  std::vector<std::string> files() const;

 private:
  std::string dir_;
  std::map<std::string, std::unique_ptr<LogWriter>> writers_;
  std::uint64_t records_ = 0;
  std::uint64_t rejected_ = 0;
  bool io_failed_ = false;
};

// The notices this node raised or received, newest last, bounded.
class RecentNotices {
 public:
  void add(const LogRecord& notice);
  // Each as {field: value} by the notice schema; at most `limit`, the newest.
  std::vector<std::map<std::string, std::string>> latest(std::size_t limit) const;
  std::uint64_t total() const { return total_; }

 private:
  std::deque<LogRecord> notices_;
  std::uint64_t total_ = 0;
};

}  // namespace bc::node
