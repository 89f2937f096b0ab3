// StatsLog: the line formats, expiry by age (atomic rewrite), and write failures as errors.

#include "collector/stats_log.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "test_util.h"

namespace bc::collector {
namespace {

using testing::slurp;
using testing::TempDir;

constexpr double kNow = 1'700'000'000.0;
constexpr double kDay = 86400.0;

StatsSample basic(double cpu_pct, std::uint64_t rss, std::uint64_t vsize) {
  StatsSample s;
  s.cpu_pct = cpu_pct;
  s.rss = rss;
  s.vsize = vsize;
  return s;
}

StatsSample with_user_and_packets(StatsSample s, double user, std::uint64_t received) {
  s.cpu_user_s = user;
  s.packets_received = received;
  return s;
}

TEST(StatsLog, SampleLineFormat) {
  TempDir dir;
  StatsLog log(dir / "stats.log");
  ASSERT_TRUE(log.sample(1700000000.1234567, "host1", "worker-1", "worker",
                         {.cpu_pct = 12.34,
                          .rss = 1048576,
                          .vsize = 4194304,
                          .cpu_user_s = 61.257,
                          .cpu_system_s = 3.5,
                          .packets_received = 1000,
                          .packets_dropped = 7}));
  // Nothing optional: every column is there, '-' where the sample had no value.
  ASSERT_TRUE(log.sample(1700000001.5, "host1", "manager", "manager", {}));
  ASSERT_TRUE(log.sample(1700000002, "host1", "proxy-1", "proxy",
                         with_user_and_packets(basic(100, 1, 2), 0, 5)));
  EXPECT_EQ(slurp(dir / "stats.log"),
            "1700000000.123457 host1 worker-1 worker cpu=12.3 rss=1048576 vsize=4194304 "
            "cpu_user_s=61.26 cpu_system_s=3.50 packets_received=1000 packets_dropped=7\n"
            "1700000001.500000 host1 manager manager cpu=0.0 rss=0 vsize=0 cpu_user_s=- "
            "cpu_system_s=- packets_received=- packets_dropped=-\n"
            "1700000002.000000 host1 proxy-1 proxy cpu=100.0 rss=1 vsize=2 cpu_user_s=0.00 "
            "cpu_system_s=- packets_received=5 packets_dropped=-\n");
}

TEST(StatsLog, ActionLineFormat) {
  TempDir dir;
  StatsLog log(dir / "stats.log");
  ASSERT_TRUE(log.action(1700000000.25, "host1", "worker-1", "crashed", "signal 11"));
  ASSERT_TRUE(log.action(1700000001, "host1", "worker-1", "restarted"));
  ASSERT_TRUE(log.action(1700000002, "host2", "-", "host-down", "no heartbeat\nfor 3 s"));
  EXPECT_EQ(slurp(dir / "stats.log"),
            "1700000000.250000 host1 worker-1 action=crashed signal 11\n"
            "1700000001.000000 host1 worker-1 action=restarted\n"
            "1700000002.000000 host2 - action=host-down no heartbeat for 3 s\n");
}

TEST(StatsLog, EveryDocumentedActionIsAccepted) {
  TempDir dir;
  StatsLog log(dir / "stats.log");
  for (const char* a : {"started", "stopped", "crashed", "restarted", "failed", "host-down",
                        "host-up", "bus-down", "bus-up"}) {
    EXPECT_TRUE(log.action(kNow, "h", "n", a)) << a;
  }
}

TEST(StatsLog, UnknownActionIsRejectedAndNothingWritten) {
  TempDir dir;
  StatsLog log(dir / "stats.log");
  Status s = log.action(kNow, "h", "n", "exploded");
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(s.message().find("exploded"), std::string::npos);
  EXPECT_FALSE(testing::exists(dir / "stats.log"));
}

TEST(StatsLog, FieldsNeverSplitTheLine) {
  TempDir dir;
  StatsLog log(dir / "stats.log");
  ASSERT_TRUE(log.sample(kNow, "my host", "", "wor\nker", basic(1, 2, 3)));
  EXPECT_EQ(slurp(dir / "stats.log"),
            "1700000000.000000 my_host - wor_ker cpu=1.0 rss=2 vsize=3 cpu_user_s=- "
            "cpu_system_s=- packets_received=- packets_dropped=-\n");
}

TEST(StatsLog, AppendsToAnExistingFileAndCreatesMissingParents) {
  TempDir dir;
  testing::write_file(dir / "stats.log", "old line\n");
  StatsLog log(dir / "stats.log");
  ASSERT_TRUE(log.action(kNow, "h", "n", "started"));
  EXPECT_EQ(slurp(dir / "stats.log"), "old line\n1700000000.000000 h n action=started\n");
  StatsLog nested(dir / "a/b/stats.log");
  ASSERT_TRUE(nested.action(kNow, "h", "n", "stopped"));
  EXPECT_EQ(slurp(dir / "a/b/stats.log"), "1700000000.000000 h n action=stopped\n");
}

TEST(StatsLog, ExpireDropsOldLinesAtomically) {
  TempDir dir;
  const std::string path = dir / "stats.log";
  StatsLog log(path);
  ASSERT_TRUE(log.action(kNow - 40 * kDay, "h", "n", "started"));
  ASSERT_TRUE(log.sample(kNow - 31 * kDay, "h", "n", "worker", basic(1, 2, 3)));
  ASSERT_TRUE(log.sample(kNow - 29 * kDay, "h", "n", "worker", basic(4, 5, 6)));
  {
    std::string garbage = slurp(path) + "not a stats line\n";
    testing::write_file(path, garbage);
  }
  ASSERT_TRUE(log.action(kNow, "h", "n", "stopped"));
  struct stat before {};
  ASSERT_EQ(::stat(path.c_str(), &before), 0);

  auto removed = log.expire(kNow, 30);
  ASSERT_TRUE(removed) << removed.status().to_string();
  EXPECT_EQ(*removed, 2u);
  EXPECT_EQ(slurp(path),
            "1697494400.000000 h n worker cpu=4.0 rss=5 vsize=6 cpu_user_s=- cpu_system_s=- "
            "packets_received=- packets_dropped=-\n"  // kNow - 29 days
            "not a stats line\n"                      // kept: unparsable
            "1700000000.000000 h n action=stopped\n");
  struct stat after {};
  ASSERT_EQ(::stat(path.c_str(), &after), 0);
  EXPECT_NE(before.st_ino, after.st_ino);  // replaced by rename, not rewritten in place
  EXPECT_EQ(testing::list_dir(dir.path()), std::vector<std::string>{"stats.log"});

  // Nothing more to remove: the file is left alone.
  auto again = log.expire(kNow, 30);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, 0u);
  struct stat third {};
  ASSERT_EQ(::stat(path.c_str(), &third), 0);
  EXPECT_EQ(after.st_ino, third.st_ino);
}

TEST(StatsLog, ExpireOfAMissingFileOrWithZeroDaysRemovesNothing) {
  TempDir dir;
  StatsLog log(dir / "stats.log");
  auto none = log.expire(kNow, 30);
  ASSERT_TRUE(none);
  EXPECT_EQ(*none, 0u);
  ASSERT_TRUE(log.action(kNow - 400 * kDay, "h", "n", "started"));
  auto keep = log.expire(kNow, 0);
  ASSERT_TRUE(keep);
  EXPECT_EQ(*keep, 0u);
  EXPECT_NE(slurp(dir / "stats.log").find("action=started"), std::string::npos);
}

TEST(StatsLog, ExpireKeepsAFileWithoutTrailingNewlineIntact) {
  TempDir dir;
  testing::write_file(dir / "stats.log",
                      "1000.000000 h n action=started\n1700000000.000000 h n action=stopped");
  StatsLog log(dir / "stats.log");
  auto removed = log.expire(kNow, 1);
  ASSERT_TRUE(removed);
  EXPECT_EQ(*removed, 1u);
  EXPECT_EQ(slurp(dir / "stats.log"), "1700000000.000000 h n action=stopped\n");
}

// A full disk, simulated with RLIMIT_FSIZE in a forked child (SIGXFSZ ignored, as the
// daemon must): an error naming the path, no crash, and no half line left behind.
TEST(StatsLog, FullDiskIsAnErrorNamingThePath) {
  TempDir dir;
  const std::string path = dir / "stats.log";
  StatsLog log(path);
  ASSERT_TRUE(log.action(kNow, "h", "n", "started"));
  const std::string before = slurp(path);
  const std::string result = testing::run_in_child([&] {
    ::signal(SIGXFSZ, SIG_IGN);
    const rlimit lim{before.size() + 10, before.size() + 10};
    if (::setrlimit(RLIMIT_FSIZE, &lim) != 0) return std::string("setrlimit failed");
    Status s = log.sample(kNow, "host", "worker-1", "worker", basic(1, 2, 3));
    Status s2 = log.action(kNow, "host", "worker-1", "crashed", "a detail that is too long");
    return s.to_string() + "|" + s2.to_string();
  });
  const std::string expected = "io_error: cannot write '" + path + "': File too large";
  EXPECT_EQ(result, expected + "|" + expected);
  EXPECT_EQ(slurp(path), before);  // the partial line was cut off again
  // The limit was the child's: here writing works again.
  EXPECT_TRUE(log.action(kNow, "h", "n", "stopped"));
}

TEST(StatsLog, UnwritableLocationIsAnErrorNamingThePath) {
  TempDir dir;
  testing::write_file(dir / "file", "x");
  StatsLog log(dir / "file/stats.log");  // the parent is a file: fails even for root
  Status s = log.action(kNow, "h", "n", "started");
  EXPECT_EQ(s.code(), ErrorCode::kIo);
  EXPECT_NE(s.message().find(dir / "file/stats.log"), std::string::npos) << s.message();
  auto e = log.expire(kNow, 1);
  ASSERT_FALSE(e);
  EXPECT_NE(e.status().message().find(dir / "file/stats.log"), std::string::npos);
}

TEST(StatsLog, ReadOnlyDirectoryIsAnError) {
  TempDir dir;
  ASSERT_EQ(::chmod(dir.path().c_str(), 0755), 0);  // nobody may enter, but not write
  const std::string sub = dir / "ro";
  ASSERT_EQ(::mkdir(sub.c_str(), 0555), 0);
  const std::string result = testing::run_in_child(
      [&] {
        StatsLog log(sub + "/stats.log");
        return log.action(kNow, "h", "n", "started").to_string();
      },
      /*as_nobody=*/true);
  EXPECT_NE(result.find("cannot open '" + sub + "/stats.log': Permission denied"),
            std::string::npos)
      << result;
}

}  // namespace
}  // namespace bc::collector
