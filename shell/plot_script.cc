#include "shell/plot_script.h"

#include <fmt/format.h>

#include <sstream>

namespace bc::shell {
namespace {

// A gnuplot double-quoted string: backslash and quote escaped, control characters dropped.
std::string quoted_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < ' ') continue;
    out += c;
  }
  return out + '"';
}

const char* mark_colour(const std::string& action) {
  if (action == "crashed") return "#c0392b";
  if (action == "failed") return "#7b241c";
  if (action == "stopped") return "#7f8c8d";
  return "#1e8449";  // restarted, started
}

struct Panel {
  std::string ylabel;
  std::vector<std::string> columns;   // gnuplot `using` column per line of a node
  std::vector<std::string> suffixes;  // appended to the node's title
};

}  // namespace

std::string gnuplot_script(const PlotData& data,
                           const std::vector<std::pair<std::string, std::string>>& files,
                           const PlotStyle& style) {
  std::ostringstream g;
  switch (style.format) {
    case PlotFormat::kPng:
      g << fmt::format("set terminal pngcairo size {},{} noenhanced\n", style.width, style.height);
      g << "set output " << quoted_string(style.out_path) << '\n';
      break;
    case PlotFormat::kSvg:
      g << fmt::format("set terminal svg size {},{} noenhanced\n", style.width, style.height);
      g << "set output " << quoted_string(style.out_path) << '\n';
      break;
    case PlotFormat::kText:
      g << fmt::format("set terminal dumb size {},{} noenhanced\n", style.width, style.height);
      break;
  }
  std::vector<Panel> panels;
  if (style.cpu) panels.push_back({"CPU (% of a core)", {"2"}, {""}});
  if (style.memory) panels.push_back({"resident memory (MiB)", {"3"}, {""}});
  if (style.packets && data.any_packets) {
    panels.push_back({"packets/s (dashed: dropped/s)", {"4", "5"}, {"", " dropped"}});
  }
  g << "set datafile missing \"NaN\"\n"
    << "set xdata time\nset timefmt \"%s\"\n";
  const double span = data.last - data.first;
  const double off = static_cast<double>(style.utc_offset_s);
  g << "set format x \""
    << (span > 2 * 86400  ? "%m-%d %H:%M"
        : span > 3 * 3600 ? "%H:%M"
                          : "%H:%M:%S")
    << "\"\n";
  // A range under a second (one sample) is widened: gnuplot refuses an empty one.
  const double pad = span < 1 ? 1 : 0;
  g << fmt::format("set xrange [\"{:.3f}\":\"{:.3f}\"]\n", data.first + off - pad,
                   data.last + off + pad);
  g << "set grid\nset key outside right top\nset yrange [0:*]\n";
  // Marks: vertical lines in every panel (graph coordinates span each one).
  const std::size_t skip =
      data.marks.size() > kMaxPlotMarks ? data.marks.size() - kMaxPlotMarks : 0;
  for (std::size_t i = skip; i < data.marks.size(); ++i) {
    const PlotMark& m = data.marks[i];
    g << fmt::format(
        "set arrow from \"{:.3f}\", graph 0 to \"{:.3f}\", graph 1 nohead lc rgb "
        "\"{}\" dt 2\n",
        m.time + off, m.time + off, mark_colour(m.action));
  }
  if (panels.size() > 1) {
    g << fmt::format("set multiplot layout {},1", panels.size());
    if (!style.title.empty()) g << " title " << quoted_string(style.title);
    g << '\n';
  } else if (!style.title.empty()) {
    g << "set title " << quoted_string(style.title) << '\n';
  }
  for (std::size_t p = 0; p < panels.size(); ++p) {
    const Panel& panel = panels[p];
    g << "set ylabel " << quoted_string(panel.ylabel) << '\n';
    g << (p + 1 == panels.size() ? "set xlabel \"local time\"\n" : "unset xlabel\n");
    g << "plot ";
    bool first = true;
    std::size_t colour = 1;
    for (const auto& [node, file] : files) {
      for (std::size_t c = 0; c < panel.columns.size(); ++c) {
        if (!first) g << ", \\\n     ";
        first = false;
        g << quoted_string(file) << " using ($1+" << style.utc_offset_s << "):" << panel.columns[c]
          << " with lines lc " << colour << (c > 0 ? " dt 2" : " dt 1") << " title "
          << quoted_string(node + panel.suffixes[c]);
      }
      ++colour;
    }
    // The marks' legend, once: in the first panel.
    if (p == 0 && skip < data.marks.size()) {
      g << ", \\\n     NaN with lines lc rgb \"#c0392b\" dt 2 title \"crash\", \\\n"
        << "     NaN with lines lc rgb \"#1e8449\" dt 2 title \"(re)start\"";
    }
    g << '\n';
  }
  if (panels.size() > 1) g << "unset multiplot\n";
  return g.str();
}

}  // namespace bc::shell
