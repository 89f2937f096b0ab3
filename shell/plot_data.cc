#include "shell/plot_data.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace bc::shell {
namespace {

// A rate between two cumulative counters; none when either is missing or the counter went
// down (the node restarted and counts from 0 again).
std::optional<double> rate(std::optional<std::uint64_t> before, std::optional<std::uint64_t> now,
                           double seconds) {
  if (!before || !now || *now < *before || seconds <= 0) return std::nullopt;
  return static_cast<double>(*now - *before) / seconds;
}

std::string value(std::optional<double> v) {
  return v ? fmt::format("{:.3f}", *v) : "NaN";
}

}  // namespace

void PlotDataBuilder::widen(double time) {
  if (data_.first == 0 || time < data_.first) data_.first = time;
  if (time > data_.last) data_.last = time;
}

void PlotDataBuilder::add(const collector::StatsLogRecord& record) {
  if (const auto* s = std::get_if<collector::StatsLogSample>(&record)) {
    PlotPoint p;
    p.time = s->time;
    p.cpu_pct = s->sample.cpu_pct;
    p.rss_mib = static_cast<double>(s->sample.rss) / (1024.0 * 1024.0);
    auto prev = previous_.find(s->node);
    if (prev != previous_.end()) {
      const double dt = s->time - prev->second.time;
      p.packets_per_s = rate(prev->second.received, s->sample.packets_received, dt);
      p.drops_per_s = rate(prev->second.dropped, s->sample.packets_dropped, dt);
    }
    data_.any_packets = data_.any_packets || p.packets_per_s.has_value();
    previous_[s->node] = {s->time, s->sample.packets_received, s->sample.packets_dropped};
    data_.series[s->node].push_back(p);
    widen(s->time);
    return;
  }
  const auto& a = std::get<collector::StatsLogAction>(record);
  if (a.node == "-") return;  // host and bus actions: not a node's mark
  if (a.action == "crashed" || a.action == "failed" || a.action == "restarted" ||
      a.action == "started" || a.action == "stopped") {
    data_.marks.push_back({a.time, a.node, a.action});
    widen(a.time);
  }
  // A restart starts the counters again: no rate across it.
  if (a.action == "restarted" || a.action == "started") previous_.erase(a.node);
}

Result<std::vector<std::pair<std::string, std::string>>> write_plot_files(const PlotData& data,
                                                                          const std::string& dir) {
  std::vector<std::pair<std::string, std::string>> files;
  std::size_t index = 0;
  for (const auto& [node, points] : data.series) {
    const std::string path = dir + "/" + std::to_string(index++) + ".dat";
    std::ofstream out(path);
    for (const PlotPoint& p : points) {
      out << fmt::format("{:.3f} {:.1f} {:.3f} {} {}\n", p.time, p.cpu_pct, p.rss_mib,
                         value(p.packets_per_s), value(p.drops_per_s));
    }
    out.close();
    if (!out) return Status::io_error("cannot write '" + path + "': " + std::strerror(errno));
    files.emplace_back(node, path);
  }
  return files;
}

}  // namespace bc::shell
