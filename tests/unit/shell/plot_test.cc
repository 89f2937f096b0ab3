// `brocluster plot`'s parts: the times it takes, the series it makes of stats.log records
// (rates across restarts, marks), and the gnuplot script's quoting of node names.

#include <gtest/gtest.h>

#include <cstdlib>

#include "shell/plot_data.h"
#include "shell/plot_script.h"
#include "shell/plot_time.h"

namespace bc::shell {
namespace {

constexpr double kNow = 1'800'000'000.0;

TEST(PlotTime, AgesEpochSecondsAndLocalDates) {
  EXPECT_DOUBLE_EQ(*parse_plot_time("now", kNow), kNow);
  EXPECT_DOUBLE_EQ(*parse_plot_time("90s", kNow), kNow - 90);
  EXPECT_DOUBLE_EQ(*parse_plot_time("30m", kNow), kNow - 1800);
  EXPECT_DOUBLE_EQ(*parse_plot_time("6h", kNow), kNow - 6 * 3600);
  EXPECT_DOUBLE_EQ(*parse_plot_time("2d", kNow), kNow - 2 * 86400);
  EXPECT_DOUBLE_EQ(*parse_plot_time("1796684128.5", kNow), 1796684128.5);
  setenv("TZ", "UTC", 1);
  tzset();
  EXPECT_DOUBLE_EQ(*parse_plot_time("2026-12-07", kNow), 1796601600);
  EXPECT_DOUBLE_EQ(*parse_plot_time("2026-12-07T14:30", kNow), 1796601600 + 14 * 3600 + 1800);
  EXPECT_DOUBLE_EQ(*parse_plot_time("2026-12-07 14:30:15", kNow),
                   1796601600 + 14 * 3600 + 1800 + 15);
  EXPECT_EQ(format_plot_time(1796601600 + 61), "2026-12-07 00:01:01");
  for (const char* bad : {"yesterday", "6x", "2026-13-01", "2026-12-07T25:00", "2026-12-07Z", ""}) {
    auto t = parse_plot_time(bad, kNow);
    ASSERT_FALSE(t.is_ok()) << bad;
    EXPECT_NE(t.status().message().find("is not a time"), std::string::npos);
  }
}

collector::StatsLogSample sample(double time, const std::string& node, std::uint64_t received) {
  collector::StatsLogSample s;
  s.time = time;
  s.host = "h1";
  s.node = node;
  s.type = "worker";
  s.sample.cpu_pct = 10;
  s.sample.rss = 2 * 1024 * 1024;
  s.sample.packets_received = received;
  s.sample.packets_dropped = 0;
  return s;
}

TEST(PlotData, RatesBetweenSamplesOfANodeNotAcrossARestart) {
  PlotDataBuilder b;
  b.add(sample(100, "worker-1", 1000));
  b.add(sample(110, "worker-1", 3000));
  b.add(collector::StatsLogAction{115, "h1", "worker-1", "crashed", "signal 9"});
  b.add(collector::StatsLogAction{116, "h1", "worker-1", "restarted", ""});
  b.add(sample(120, "worker-1", 200));
  b.add(sample(130, "worker-1", 700));
  b.add(collector::StatsLogAction{131, "h1", "-", "host-down", ""});
  PlotData d = b.take();
  const auto& points = d.series.at("worker-1");
  ASSERT_EQ(points.size(), 4u);
  EXPECT_FALSE(points[0].packets_per_s);
  EXPECT_DOUBLE_EQ(*points[1].packets_per_s, 200);
  EXPECT_FALSE(points[2].packets_per_s);  // the first sample after the restart
  EXPECT_DOUBLE_EQ(*points[3].packets_per_s, 50);
  EXPECT_DOUBLE_EQ(points[0].rss_mib, 2);
  ASSERT_EQ(d.marks.size(), 2u);  // the host's action is not a node's mark
  EXPECT_EQ(d.marks[0].action, "crashed");
  EXPECT_DOUBLE_EQ(d.first, 100);
  EXPECT_DOUBLE_EQ(d.last, 130);
  EXPECT_TRUE(d.any_packets);
}

TEST(PlotScript, NodeNamesAreGnuplotStringsAndEveryNodeIsALine) {
  PlotDataBuilder b;
  b.add(sample(100, "w\"1\\", 1));
  b.add(sample(100, "worker-2", 1));
  PlotData d = b.take();
  PlotStyle style;
  style.format = PlotFormat::kSvg;
  style.out_path = "/tmp/x \"y\".svg";
  style.memory = style.packets = false;
  const std::string g =
      gnuplot_script(d, {{"w\"1\\", "/d/0.dat"}, {"worker-2", "/d/1.dat"}}, style);
  EXPECT_NE(g.find("set output \"/tmp/x \\\"y\\\".svg\""), std::string::npos) << g;
  EXPECT_NE(g.find("title \"w\\\"1\\\\\""), std::string::npos) << g;
  EXPECT_NE(g.find("\"/d/1.dat\" using ($1+0):2 with lines"), std::string::npos) << g;
  EXPECT_EQ(g.find("multiplot"), std::string::npos);  // one panel
}

}  // namespace
}  // namespace bc::shell
