#include "node/engine/scan.h"

#include "node/engine/log_format.h"

namespace bc::node {
namespace {
std::int64_t seconds_to_us(double s) {
  return static_cast<std::int64_t>(s * 1e6);
}
}  // namespace

ScanDetector::ScanDetector(const EngineSettings& settings) : settings_(settings) {}

void ScanDetector::apply(const EngineSettings& settings) {
  settings_ = settings;
}

bool ScanDetector::skipped(const ScanObservation& obs) const {
  if (settings_.skip_scan_ports.count(PortSpec{obs.port, obs.proto})) return true;
  if (settings_.skip_scan_sources.empty()) return false;
  auto addr = IpAddr::parse(obs.src);
  if (!addr) return false;
  for (const auto& net : settings_.skip_scan_sources) {
    if (net.contains(*addr)) return true;
  }
  return false;
}

std::optional<LogRecord> ScanDetector::observe(const ScanObservation& obs) {
  if (skipped(obs)) return std::nullopt;
  const std::int64_t interval = seconds_to_us(settings_.scan_interval);
  Source& s = sources_[obs.src];
  // A source's interval starts with its first observation; a later one past the interval
  // starts the next.
  if (s.hosts.empty() || obs.ts_us - s.window_start_us >= interval) {
    s = Source{};
    s.window_start_us = obs.ts_us;
  }
  s.hosts.insert(obs.dst);
  auto& ports = s.ports[obs.dst];
  ports.emplace(obs.port, obs.proto);
  if (s.noticed) return std::nullopt;
  if (settings_.addr_scan_threshold > 0 && s.hosts.size() >= settings_.addr_scan_threshold) {
    s.noticed = true;
    return make_notice(
        obs, "Scan::Address_Scan", s.hosts.size(),
        obs.src + " scanned at least " + std::to_string(s.hosts.size()) + " unique hosts");
  }
  if (settings_.port_scan_threshold > 0 && ports.size() >= settings_.port_scan_threshold) {
    s.noticed = true;
    return make_notice(obs, "Scan::Port_Scan", ports.size(),
                       obs.src + " scanned at least " + std::to_string(ports.size()) +
                           " unique ports of host " + obs.dst);
  }
  return std::nullopt;
}

void ScanDetector::expire(std::int64_t now_us) {
  const std::int64_t interval = seconds_to_us(settings_.scan_interval);
  for (auto it = sources_.begin(); it != sources_.end();) {
    if (now_us - it->second.window_start_us >= interval) {
      it = sources_.erase(it);
    } else {
      ++it;
    }
  }
}

std::vector<std::string> ScanDetector::actions_for(const std::string& note) const {
  std::vector<std::string> actions = {"Notice::ACTION_LOG"};
  if (settings_.notice_emailed_types.count(note) != 0) actions.push_back("Notice::ACTION_EMAIL");
  if (settings_.notice_alarmed_types.count(note) != 0) actions.push_back("Notice::ACTION_ALARM");
  return actions;
}

LogRecord ScanDetector::make_notice(const ScanObservation& obs, const char* note, std::uint64_t n,
                                    const std::string& msg) const {
  const bool port_scan = std::string_view(note) == "Scan::Port_Scan";
  LogRecord r;
  r.stream = "notice";
  r.values = {tsv::time(obs.ts_us),
              note,
              tsv::escape(msg),
              std::string(tsv::kUnset),
              tsv::escape(obs.src),
              port_scan ? tsv::escape(obs.dst) : std::string(tsv::kUnset),
              port_scan ? std::string(tsv::kUnset) : std::to_string(obs.port) + "/" + obs.proto,
              tsv::count(n),
              std::string(tsv::kUnset),
              tsv::set(actions_for(note)),
              tsv::interval(seconds_to_us(settings_.scan_interval))};
  return r;
}

}  // namespace bc::node
