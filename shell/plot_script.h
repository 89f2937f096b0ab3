#pragma once
// The gnuplot script of `brocluster plot`: one panel per metric (CPU, memory, packets and
// drops), one line per node, crash and restart marks as vertical lines across every panel.

#include <string>
#include <utility>
#include <vector>

#include "shell/plot_data.h"

namespace bc::shell {

enum class PlotFormat { kPng, kSvg, kText };

struct PlotStyle {
  PlotFormat format = PlotFormat::kText;
  std::string out_path;  // png/svg: the file gnuplot writes; text: stdout
  int width = 1200;      // pixels (png, svg) or columns (text)
  int height = 900;      // pixels or rows
  bool cpu = true, memory = true, packets = true;
  std::string title;
  long utc_offset_s = 0;  // added to every time: the axis shows local time (gnuplot's is UTC)
};

// At most this many marks are drawn, the latest; more would hide the lines.
inline constexpr std::size_t kMaxPlotMarks = 200;

// `files`: node -> data file (write_plot_files). Node names are written as gnuplot
// strings, never as script text.
std::string gnuplot_script(const PlotData& data,
                           const std::vector<std::pair<std::string, std::string>>& files,
                           const PlotStyle& style);

}  // namespace bc::shell
