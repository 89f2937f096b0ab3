#pragma once
// DiskWatch: the manual's MinDiskSpace check. The collector feeds it every disk of every
// host_stats event; it remembers, per (host, path), whether that disk is low and answers
// with an alarm only when the state changes, so that a full disk is mailed once when it
// fills up and once when it recovers, not every StatsInterval. Pure logic, no I/O.
// Owned by the collector's event loop; thread-compatible.
//
// A disk is low when its available space is below MinDiskSpace percent. It counts as
// recovered only at MinDiskSpace + kRecoverMargin percent or more, so that a disk hovering
// around the threshold does not mail on every sample. MinDiskSpace 0 disables the check.
// A disk first seen low is an alarm (the collector may have started on a full disk); a
// disk first seen fine is not.

#include <map>
#include <optional>
#include <string>
#include <utility>

namespace bc::collector {

struct DiskAlarm {
  std::string host, path;
  double avail_pct;
  bool low;  // false: recovered
};

class DiskWatch {
 public:
  // Percentage points above MinDiskSpace a low disk must reach to count as recovered.
  static constexpr double kRecoverMargin = 1.0;

  explicit DiskWatch(double min_pct);  // MinDiskSpace

  // Feed every disk of every host_stats event; returns an alarm only on a transition
  // (ok -> low, low -> ok). A NaN or negative percentage is ignored (no alarm, no change).
  std::optional<DiskAlarm> observe(const std::string& host, const std::string& path,
                                   double avail_pct);

  // Whether (host, path) is currently low.
  bool is_low(const std::string& host, const std::string& path) const;
  // Forgets every disk of `host` (its configuration changed or it was removed); its disks
  // start afresh at their next sample.
  void forget_host(const std::string& host);

 private:
  double min_pct_;
  std::map<std::pair<std::string, std::string>, bool> low_;  // (host, path) -> low
};

}  // namespace bc::collector
