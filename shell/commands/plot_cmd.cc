// `plot [--out <file.png|file.svg>] [--since <t>] [--until <t>] [--metrics <list>]
// [--size <w>x<h>] [<nodes>]`: draws stats.log (CPU, memory, packets and drops per node,
// crash and restart marks) with gnuplot, to a PNG or SVG file or as text in the terminal.
// Reads the StatsLog of this host (the collector's, which runs on the manager's host).

#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <set>

#include "collector/stats_log_reader.h"
#include "common/exec_path.h"
#include "common/scratch_dir.h"
#include "messages/codec.h"
#include "shell/commands/handlers.h"
#include "shell/local_process.h"
#include "shell/node_args.h"
#include "shell/plot_data.h"
#include "shell/plot_script.h"
#include "shell/plot_time.h"
#include "shell/shell_context.h"

namespace bc::shell {
namespace {

constexpr const char* kUsage =
    "usage: plot [--out <file.png|file.svg>] [--since <time>] [--until <time>] "
    "[--metrics cpu,memory,packets] [--size <w>x<h>] [<nodes>]";

struct PlotArgs {
  std::string out, since = "24h", until = "now", metrics = "cpu,memory,packets", size;
  std::vector<std::string> nodes;
};

Result<PlotArgs> parse_plot_args(const std::vector<std::string>& args) {
  PlotArgs p;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    std::string* target = a == "--out"       ? &p.out
                          : a == "--since"   ? &p.since
                          : a == "--until"   ? &p.until
                          : a == "--metrics" ? &p.metrics
                          : a == "--size"    ? &p.size
                                             : nullptr;
    if (target != nullptr) {
      if (i + 1 == args.size()) return Status::invalid_argument(a + " needs a value; " + kUsage);
      *target = args[++i];
    } else if (a.rfind("--", 0) == 0) {
      return Status::invalid_argument("unknown option " + a + "; " + kUsage);
    } else {
      p.nodes.push_back(a);
    }
  }
  return p;
}

Status apply_plot_metrics(const std::string& list, PlotStyle& style) {
  style.cpu = style.memory = style.packets = false;
  std::size_t start = 0;
  while (start <= list.size()) {
    const auto comma = list.find(',', start);
    const std::string m = list.substr(start, comma == std::string::npos ? comma : comma - start);
    if (m == "cpu") {
      style.cpu = true;
    } else if (m == "memory") {
      style.memory = true;
    } else if (m == "packets") {
      style.packets = true;
    } else {
      return Status::invalid_argument("unknown metric '" + m +
                                      "' (--metrics takes cpu, memory, packets)");
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return Status::ok();
}

Status apply_plot_output(const PlotArgs& args, std::size_t panels, PlotStyle& style) {
  if (args.out.empty()) {
    style.format = PlotFormat::kText;
    winsize ws{};
    const bool tty = ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0;
    style.width = tty ? ws.ws_col : 100;
    style.height = static_cast<int>(14 * std::max<std::size_t>(panels, 1));
  } else {
    const auto ext = std::filesystem::path(args.out).extension().string();
    if (ext != ".png" && ext != ".svg") {
      return Status::invalid_argument("--out " + args.out +
                                      ": the file name must end in .png or .svg");
    }
    style.format = ext == ".png" ? PlotFormat::kPng : PlotFormat::kSvg;
    style.out_path = std::filesystem::absolute(args.out).string();
  }
  if (!args.size.empty()) {
    int w = 0, h = 0;
    char x = 0;
    if (std::sscanf(args.size.c_str(), "%d%c%d", &w, &x, &h) != 3 || x != 'x' || w < 20 || h < 10 ||
        w > 10000 || h > 10000) {
      return Status::invalid_argument("--size " + args.size +
                                      ": give <width>x<height>, e.g. 1200x900");
    }
    style.width = w;
    style.height = h;
  }
  return Status::ok();
}

msg::Value plot_json(const PlotData& data, const PlotStyle& style, double since, double until) {
  const auto opt = [](std::optional<double> v) { return v ? msg::Value(*v) : msg::Value(); };
  msg::Value series = msg::Value::empty_map();
  for (const auto& [node, points] : data.series) {
    msg::Value list = msg::Value::empty_array();
    for (const PlotPoint& p : points) {
      list.push_back(msg::Value::empty_map()
                         .set("time", p.time)
                         .set("cpu", p.cpu_pct)
                         .set("rss_mib", p.rss_mib)
                         .set("packets_per_s", opt(p.packets_per_s))
                         .set("drops_per_s", opt(p.drops_per_s)));
    }
    series.set(node, std::move(list));
  }
  msg::Value marks = msg::Value::empty_array();
  for (const PlotMark& m : data.marks)
    marks.push_back(
        msg::Value::empty_map().set("time", m.time).set("node", m.node).set("action", m.action));
  msg::Value v = msg::Value::empty_map();
  v.set("ok", true).set("since", since).set("until", until);
  if (!style.out_path.empty()) v.set("out", style.out_path);
  return v.set("series", std::move(series)).set("marks", std::move(marks));
}

}  // namespace

int cmd_plot(ShellContext& ctx, const std::vector<std::string>& raw_args) {
  const config::Cluster* cluster = ctx.cluster();
  if (cluster == nullptr) return 1;
  auto args = parse_plot_args(raw_args);
  if (!args.is_ok()) return ctx.fail(args.status());
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  auto since = parse_plot_time(args->since, now);
  if (!since.is_ok()) return ctx.fail("--since: " + since.status().message());
  auto until = parse_plot_time(args->until, now);
  if (!until.is_ok()) return ctx.fail("--until: " + until.status().message());
  if (*until <= *since) return ctx.fail("--until must be later than --since");
  PlotStyle style;
  if (Status s = apply_plot_metrics(args->metrics, style); !s.is_ok()) return ctx.fail(s);

  collector::StatsLogFilter filter{*since, *until, {}};
  if (!args->nodes.empty()) {
    auto nodes = selected_nodes(ctx, args->nodes);
    if (!nodes) return 1;
    for (const auto& n : *nodes)
      filter.nodes.insert(n.name);
  }
  const std::string path = cluster->options.get("StatsLog");
  PlotDataBuilder builder;
  auto read = collector::read_stats_log(
      path, filter, [&](const collector::StatsLogRecord& r) { builder.add(r); });
  if (!read.is_ok()) return ctx.fail(read.status());
  if (read->malformed > 0) {
    ctx.warn(path + ": " + std::to_string(read->malformed) + " line(s) not understood, from line " +
             std::to_string(read->first_malformed_line) + "; skipped");
  }
  PlotData data = builder.take();
  const std::string range = format_plot_time(*since) + " and " + format_plot_time(*until);
  if (data.series.empty()) {
    return ctx.fail("no samples in " + path + " between " + range +
                    (filter.nodes.empty() ? "" : " for the nodes named") +
                    " (one per node every StatsLogInterval)");
  }
  const std::size_t panels =
      (style.cpu ? 1 : 0) + (style.memory ? 1 : 0) + (style.packets && data.any_packets ? 1 : 0);
  if (Status s = apply_plot_output(*args, panels, style); !s.is_ok()) return ctx.fail(s);
  if (panels == 0) return ctx.fail("no packet counters in " + path + " between " + range);
  if (ctx.json() && args->out.empty()) {
    ctx.out() << msg::to_json(plot_json(data, style, *since, *until)) << '\n';
    return 0;
  }

  const auto gnuplot = find_in_path("gnuplot", process_path());
  if (!gnuplot) {
    return ctx.fail(
        "plot needs gnuplot, which is not in PATH; install Debian's gnuplot-nox "
        "(apt-get install gnuplot-nox)");
  }
  auto scratch = ScratchDir::make(cluster->options.get("TmpDir"), "plot.");
  if (!scratch.is_ok()) return ctx.fail(scratch.status());
  auto files = write_plot_files(data, scratch->path());
  if (!files.is_ok()) return ctx.fail(files.status());
  std::tm tm{};
  const std::time_t t = static_cast<std::time_t>(now);
  localtime_r(&t, &tm);
  style.utc_offset_s = tm.tm_gmtoff;
  style.title = "stats.log, " + range;
  const std::string script_path = scratch->path() + "/plot.gp";
  {
    std::ofstream script(script_path);
    script << gnuplot_script(data, *files, style);
    if (!script) return ctx.fail("cannot write '" + script_path + "'");
  }
  LocalProcessOptions run;
  run.timeout = std::chrono::seconds(60);
  auto result = run_local_process({*gnuplot, script_path}, run);
  if (!result.is_ok()) return ctx.fail(result.status());
  if (result->exit_code != 0) {
    return ctx.fail("gnuplot failed (exit " + std::to_string(result->exit_code) +
                    "): " + result->err);
  }
  if (ctx.json()) {
    ctx.out() << msg::to_json(plot_json(data, style, *since, *until)) << '\n';
  } else if (args->out.empty()) {
    ctx.out() << result->out;
  } else {
    ctx.out() << "wrote " << style.out_path << " (" << data.series.size() << " node(s), "
              << data.marks.size() << " mark(s), " << range << ")\n";
  }
  return 0;
}

}  // namespace bc::shell
