#pragma once
// `brocluster plot`'s data: stats.log records turned into one series per node (CPU,
// memory, packet and drop rates) and the crash/restart marks, written as gnuplot data
// files. Pure apart from the files it writes; shell/plot_script.h draws them.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "collector/stats_log_reader.h"
#include "common/status.h"

namespace bc::shell {

struct PlotPoint {
  double time = 0;
  double cpu_pct = 0;
  double rss_mib = 0;
  // Per second, between this sample and the node's previous one; none for the first
  // sample, after a restart (the counters start again) or without packet counters.
  std::optional<double> packets_per_s;
  std::optional<double> drops_per_s;
};

struct PlotMark {
  double time = 0;
  std::string node;
  std::string action;  // crashed, failed, restarted, started, stopped
};

struct PlotData {
  std::map<std::string, std::vector<PlotPoint>> series;  // node -> points, in time order
  std::vector<PlotMark> marks;
  double first = 0, last = 0;  // time range of the points and marks
  bool any_packets = false;    // some node has packet rates
};

// Folds records in file order (stats.log is appended in time order).
class PlotDataBuilder {
 public:
  void add(const collector::StatsLogRecord& record);
  PlotData take() { return std::move(data_); }

 private:
  struct Previous {
    double time = 0;
    std::optional<std::uint64_t> received, dropped;
  };
  void widen(double time);
  PlotData data_;
  std::map<std::string, Previous> previous_;
};

// One data file per node in `dir` (`<index>.dat`: time cpu rss_mib packets/s drops/s, `NaN`
// for no value); returns the file of each node, in the order of data.series.
Result<std::vector<std::pair<std::string, std::string>>> write_plot_files(const PlotData& data,
                                                                          const std::string& dir);

}  // namespace bc::shell
