// Reading stats.log back: what StatsLog writes parses into the same values, a selection
// of time and nodes, and lines that do not parse counted with the first one's number.

#include "collector/stats_log_reader.h"

#include <gtest/gtest.h>

#include <fstream>

#include "collector/stats_log.h"
#include "test_util.h"

namespace bc::collector {
namespace {

using testing::TempDir;

TEST(StatsLogReader, ReadsBackWhatStatsLogWrote) {
  TempDir dir;
  StatsLog log(dir / "stats.log");
  StatsSample s;
  s.cpu_pct = 12.5;
  s.rss = 43302912;
  s.vsize = 209858560;
  s.cpu_user_s = 61.26;
  s.cpu_system_s = 3.5;
  s.packets_received = 2199;
  s.packets_dropped = 7;
  ASSERT_TRUE(log.sample(1700000000.5, "h1", "worker-1", "worker", s).is_ok());
  StatsSample m;
  m.cpu_pct = 0.4;
  m.rss = 9469952;
  m.vsize = 176025600;
  ASSERT_TRUE(log.sample(1700000001.5, "h1", "manager", "manager", m).is_ok());
  ASSERT_TRUE(log.action(1700000002.25, "h1", "worker-1", "crashed", "signal 6 (Aborted)").is_ok());
  std::vector<StatsLogRecord> records;
  auto summary =
      read_stats_log(log.path(), {}, [&](const StatsLogRecord& r) { records.push_back(r); });
  ASSERT_TRUE(summary.is_ok()) << summary.status().message();
  EXPECT_EQ(summary->records, 3u);
  EXPECT_EQ(summary->malformed, 0u);
  ASSERT_EQ(records.size(), 3u);
  const auto& w = std::get<StatsLogSample>(records[0]);
  EXPECT_DOUBLE_EQ(w.time, 1700000000.5);
  EXPECT_EQ(w.host, "h1");
  EXPECT_EQ(w.node, "worker-1");
  EXPECT_EQ(w.type, "worker");
  EXPECT_DOUBLE_EQ(w.sample.cpu_pct, 12.5);
  EXPECT_EQ(w.sample.rss, 43302912u);
  EXPECT_EQ(w.sample.vsize, 209858560u);
  EXPECT_DOUBLE_EQ(*w.sample.cpu_user_s, 61.26);
  EXPECT_DOUBLE_EQ(*w.sample.cpu_system_s, 3.5);
  EXPECT_EQ(*w.sample.packets_received, 2199u);
  EXPECT_EQ(*w.sample.packets_dropped, 7u);
  const auto& manager = std::get<StatsLogSample>(records[1]);
  EXPECT_FALSE(manager.sample.packets_received);
  EXPECT_FALSE(manager.sample.cpu_user_s);
  const auto& a = std::get<StatsLogAction>(records[2]);
  EXPECT_EQ(a.action, "crashed");
  EXPECT_EQ(a.node, "worker-1");
  EXPECT_EQ(a.detail, "signal 6 (Aborted)");
}

TEST(StatsLogReader, SelectsTimeAndNodesAndKeepsHostActions) {
  TempDir dir;
  {
    std::ofstream out(dir / "stats.log");
    out << "100.0 h1 worker-1 worker cpu=1.0 rss=1 vsize=2\n"
        << "200.0 h1 worker-2 worker cpu=2.0 rss=1 vsize=2\n"
        << "250.0 h2 - action=host-down\n"
        << "300.0 h1 worker-1 worker cpu=3.0 rss=1 vsize=2\n"
        << "400.0 h1 worker-1 worker cpu=4.0 rss=1 vsize=2\n";
  }
  StatsLogFilter filter;
  filter.since = 150;
  filter.until = 300;
  filter.nodes = {"worker-1"};
  std::vector<double> times;
  auto summary = read_stats_log(dir / "stats.log", filter, [&](const StatsLogRecord& r) {
    times.push_back(std::visit([](const auto& x) { return x.time; }, r));
  });
  ASSERT_TRUE(summary.is_ok());
  EXPECT_EQ(times, (std::vector<double>{250.0, 300.0}));
}

TEST(StatsLogReader, LinesThatDoNotParseAreCountedNotFatal) {
  TempDir dir;
  {
    std::ofstream out(dir / "stats.log");
    out << "100.0 h1 worker-1 worker cpu=1.0 rss=1 vsize=2\n"
        << "garbage\n"
        << "101.0 h1 worker-1 worker cpu=x rss=1 vsize=2\n"
        << "102.0 h1 worker-1 action=exploded\n"
        << "103.0 h1 worker-1 worker cpu=1.0 rss=1 vsize=2 future_column=9\n";
  }
  std::size_t n = 0;
  auto summary = read_stats_log(dir / "stats.log", {}, [&](const StatsLogRecord&) { ++n; });
  ASSERT_TRUE(summary.is_ok());
  EXPECT_EQ(n, 2u);
  EXPECT_EQ(summary->malformed, 3u);
  EXPECT_EQ(summary->first_malformed_line, 2u);
}

TEST(StatsLogReader, AMissingFileIsNotFoundNamingIt) {
  TempDir dir;
  auto summary = read_stats_log(dir / "none.log", {}, [](const StatsLogRecord&) {});
  ASSERT_FALSE(summary.is_ok());
  EXPECT_EQ(summary.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(summary.status().message().find("none.log"), std::string::npos);
}

}  // namespace
}  // namespace bc::collector
