#include "collector/stats_log_reader.h"

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fstream>

namespace bc::collector {
namespace {

// The next space-separated field of `rest` (removed from it); empty at the end.
std::string_view next_field(std::string_view& rest) {
  const auto end = rest.find(' ');
  std::string_view f = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
  return f;
}

std::optional<double> to_double(std::string_view s) {
  if (s.empty() || s.size() > 64) return std::nullopt;
  const std::string text(s);
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(text.c_str(), &end);
  if (errno != 0 || end != text.c_str() + text.size()) return std::nullopt;
  return v;
}

std::optional<std::uint64_t> to_count(std::string_view s) {
  std::uint64_t v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

// A sample's key=value columns; false when one that must be there is missing or bad. "-"
// is no value (stats_log.h); a key we do not know is skipped (a later version's).
bool parse_columns(std::string_view rest, StatsSample& s) {
  bool cpu = false, rss = false, vsize = false;
  while (!rest.empty()) {
    const std::string_view kv = next_field(rest);
    const auto eq = kv.find('=');
    if (eq == std::string_view::npos) return false;
    const std::string_view key = kv.substr(0, eq), value = kv.substr(eq + 1);
    const bool none = value == "-";
    if (key == "cpu") {
      auto v = to_double(value);
      if (!v) return false;
      s.cpu_pct = *v;
      cpu = true;
    } else if (key == "rss" || key == "vsize") {
      auto v = to_count(value);
      if (!v) return false;
      (key == "rss" ? s.rss : s.vsize) = *v;
      (key == "rss" ? rss : vsize) = true;
    } else if (key == "cpu_user_s" || key == "cpu_system_s") {
      auto v = none ? std::nullopt : to_double(value);
      if (!none && !v) return false;
      (key == "cpu_user_s" ? s.cpu_user_s : s.cpu_system_s) = v;
    } else if (key == "packets_received" || key == "packets_dropped") {
      auto v = none ? std::nullopt : to_count(value);
      if (!none && !v) return false;
      (key == "packets_received" ? s.packets_received : s.packets_dropped) = v;
    }
  }
  return cpu && rss && vsize;
}

bool passes(const StatsLogFilter& f, double time, const std::string& node) {
  if (time < f.since || (f.until > 0 && time > f.until)) return false;
  return f.nodes.empty() || node == "-" || f.nodes.count(node) > 0;
}

}  // namespace

std::optional<StatsLogRecord> parse_stats_log_line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::string_view rest = line;
  const auto time = to_double(next_field(rest));
  const std::string_view host = next_field(rest);
  const std::string_view node = next_field(rest);
  if (!time || host.empty() || node.empty() || rest.empty()) return std::nullopt;
  if (rest.rfind("action=", 0) == 0) {
    StatsLogAction a;
    a.time = *time;
    a.host = std::string(host);
    a.node = std::string(node);
    std::string_view action = next_field(rest).substr(7);
    if (!StatsLog::is_known_action(action)) return std::nullopt;
    a.action = std::string(action);
    a.detail = std::string(rest);
    return a;
  }
  StatsLogSample s;
  s.time = *time;
  s.host = std::string(host);
  s.node = std::string(node);
  s.type = std::string(next_field(rest));
  if (s.type.empty() || !parse_columns(rest, s.sample)) return std::nullopt;
  return s;
}

Result<StatsLogReadSummary> read_stats_log(
    const std::string& path, const StatsLogFilter& filter,
    const std::function<void(const StatsLogRecord&)>& record) {
  std::ifstream in(path);
  if (!in) {
    const int err = errno;
    if (err == ENOENT) return Status::not_found("no stats.log at '" + path + "'");
    return Status::io_error("cannot read '" + path + "': " + std::strerror(err));
  }
  StatsLogReadSummary summary;
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    auto parsed = parse_stats_log_line(line);
    if (!parsed) {
      if (summary.malformed++ == 0) summary.first_malformed_line = number;
      continue;
    }
    const double time = std::visit([](const auto& r) { return r.time; }, *parsed);
    const std::string& node =
        std::visit([](const auto& r) -> const std::string& { return r.node; }, *parsed);
    if (!passes(filter, time, node)) continue;
    ++summary.records;
    record(*parsed);
  }
  if (in.bad()) return Status::io_error("cannot read '" + path + "': " + std::strerror(errno));
  return summary;
}

}  // namespace bc::collector
