#include "collector/host_liveness.h"

#include <algorithm>

namespace bc::collector {

HostLiveness::HostLiveness(const Clock& clock, Settings settings,
                           const std::vector<std::string>& hosts)
    : clock_(clock), settings_(settings) {
  const TimePoint now = clock_.now();
  for (const std::string& name : hosts)
    hosts_[name].last_heard = now;
  bus_last_ = now;
  last_check_ = now;
}

void HostLiveness::set_hosts(const std::vector<std::string>& hosts) {
  std::map<std::string, Host> next;
  for (const std::string& name : hosts) {
    auto it = hosts_.find(name);
    if (it != hosts_.end()) {
      next.emplace(name, it->second);
    } else {
      next[name].last_heard = clock_.now();
    }
  }
  hosts_ = std::move(next);
}

bool HostLiveness::heard_heartbeat(const std::string& host) {
  auto it = hosts_.find(host);
  if (it == hosts_.end()) return false;
  it->second.last_heard = clock_.now();
  return !std::exchange(it->second.up, true);
}

bool HostLiveness::heard_directly(const std::string& host) {
  // Whatever the supervisor sent us proves it alive, whether the bus works or not.
  return heard_heartbeat(host);
}

bool HostLiveness::heard_bus() {
  const TimePoint now = clock_.now();
  // Heartbeats were stuck with everything else: count the hosts' silence from now.
  if (now - bus_last_ > quiet_after()) fresh_grace(now);
  bus_last_ = now;
  return !std::exchange(bus_up_, true);
}

std::optional<Millis> HostLiveness::check() {
  const TimePoint now = clock_.now();
  const auto gap = std::chrono::duration_cast<Millis>(now - last_check_);
  last_check_ = now;
  if (gap > settings_.host_timeout) {
    // Nobody was listening: what was sent meanwhile waits on our sockets, unread.
    fresh_grace(now);
    bus_last_ = now;
    return gap;
  }
  if (gap > 2 * settings_.check_interval) {
    // A shorter lateness of ours is credited to everyone we could not hear meanwhile.
    const auto credit = gap - settings_.check_interval;
    for (auto& [name, h] : hosts_)
      h.last_heard = std::min(now, h.last_heard + credit);
    bus_last_ = std::min(now, bus_last_ + credit);
  }
  return std::nullopt;
}

bool HostLiveness::due() const {
  const TimePoint now = clock_.now();
  if (bus_up_ && now - bus_last_ > settings_.host_timeout) return true;
  if (bus_up_ && bus_quiet()) return false;
  return std::any_of(hosts_.begin(), hosts_.end(),
                     [&](const auto& entry) { return overdue(entry.second, now); });
}

HostLiveness::Verdicts HostLiveness::verdicts() {
  const TimePoint now = clock_.now();
  Verdicts v;
  if (bus_up_ && now - bus_last_ > settings_.host_timeout) {
    // One verdict for the bus; the hosts are asked directly from now on.
    bus_up_ = false;
    fresh_grace(now);
    for (auto& [name, h] : hosts_)
      h.last_ping = TimePoint{};
    v.bus_down = true;
    return v;
  }
  if (bus_up_ && bus_quiet()) return v;  // the bus's verdict first
  for (auto& [name, h] : hosts_) {
    if (!overdue(h, now)) continue;
    h.up = false;
    v.hosts_down.push_back(name);
  }
  return v;
}

std::vector<std::string> HostLiveness::ping_due() {
  std::vector<std::string> out;
  if (bus_up_) return out;
  const TimePoint now = clock_.now();
  for (auto& [name, h] : hosts_) {
    if (now - h.last_ping < settings_.heartbeat_interval) continue;
    h.last_ping = now;
    out.push_back(name);
  }
  return out;
}

bool HostLiveness::host_up(const std::string& host) const {
  auto it = hosts_.find(host);
  return it == hosts_.end() || it->second.up;
}

Millis HostLiveness::silence(const std::string& host) const {
  auto it = hosts_.find(host);
  if (it == hosts_.end()) return Millis(0);
  return std::chrono::duration_cast<Millis>(clock_.now() - it->second.last_heard);
}

Millis HostLiveness::bus_silence() const {
  return std::chrono::duration_cast<Millis>(clock_.now() - bus_last_);
}

bool HostLiveness::bus_quiet() const {
  return clock_.now() - bus_last_ > quiet_after();
}

void HostLiveness::fresh_grace(TimePoint now) {
  for (auto& [name, h] : hosts_)
    h.last_heard = std::max(h.last_heard, now);
}

bool HostLiveness::overdue(const Host& h, TimePoint now) const {
  return h.up && now - h.last_heard > settings_.host_timeout;
}

Millis HostLiveness::quiet_after() const {
  // The broker and the collector each put a heartbeat on the bus every interval: two
  // missed, the bus is suspect (but never later than half the host timeout, so that the
  // bus is suspected before any host can be judged for the same silence).
  return std::min(2 * settings_.heartbeat_interval, settings_.host_timeout / 2);
}

}  // namespace bc::collector
