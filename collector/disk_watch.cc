#include "collector/disk_watch.h"

#include <cmath>

namespace bc::collector {

DiskWatch::DiskWatch(double min_pct) : min_pct_(min_pct) {}

std::optional<DiskAlarm> DiskWatch::observe(const std::string& host, const std::string& path,
                                            double avail_pct) {
  if (std::isnan(avail_pct) || avail_pct < 0) return std::nullopt;
  bool& low = low_[{host, path}];
  const bool now_low = min_pct_ > 0 && avail_pct < min_pct_;
  // Hysteresis only on the way back up: going low is reported at the threshold itself.
  const bool now_ok = !now_low && (!low || avail_pct >= min_pct_ + kRecoverMargin);
  if (!low && now_low) {
    low = true;
    return DiskAlarm{host, path, avail_pct, true};
  }
  if (low && now_ok) {
    low = false;
    return DiskAlarm{host, path, avail_pct, false};
  }
  return std::nullopt;
}

bool DiskWatch::is_low(const std::string& host, const std::string& path) const {
  auto it = low_.find({host, path});
  return it != low_.end() && it->second;
}

void DiskWatch::forget_host(const std::string& host) {
  for (auto it = low_.begin(); it != low_.end();) {
    it = it->first.first == host ? low_.erase(it) : std::next(it);
  }
}

}  // namespace bc::collector
