#include "supervisor/proc_reader.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>

#include "supervisor/spawner.h"
#include "test_support.h"

namespace bc::sup {
namespace {

using testing::ChildGuard;
using testing::TempDir;
using namespace std::chrono_literals;

constexpr char kAwkwardStat[] =
    "4242 (a b) c) S 1 4243 4244 0 -1 4194304 100 0 0 0 7 3 0 0 20 0 2 0 123456 8192000 250 "
    "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";

TEST(ParseProcStat, UsesTheLastParenthesisForComm) {
  auto st = parse_proc_stat(kAwkwardStat, 4096);
  ASSERT_TRUE(st) << st.status().to_string();
  EXPECT_EQ(st->pid, 4242);
  EXPECT_EQ(st->comm, "a b) c");
  EXPECT_EQ(st->state, 'S');
  EXPECT_EQ(st->ppid, 1);
  EXPECT_EQ(st->pgid, 4243);
  EXPECT_EQ(st->session, 4244);
  EXPECT_EQ(st->cpu_ticks, 10U);
  EXPECT_EQ(st->user_ticks, 7U);
  EXPECT_EQ(st->system_ticks, 3U);
  EXPECT_EQ(st->threads, 2);
  EXPECT_EQ(st->start_ticks, 123456U);
  EXPECT_EQ(st->vsize_bytes, 8192000U);
  EXPECT_EQ(st->rss_bytes, 250U * 4096U);
}

TEST(ParseProcStat, RejectsMalformedLines) {
  for (const char* bad : {"", "garbage", "12 (x) S 1 2 3", "12 (x S 1",
                          "x (y) S 1 1 1 0 -1 0 0 0 0 0 "
                          "1 1 0 0 20 0 1 0 5 100 10"}) {
    auto st = parse_proc_stat(bad, 4096);
    EXPECT_FALSE(st) << bad;
    EXPECT_EQ(st.status().code(), ErrorCode::kParse) << bad;
  }
}

TEST(ProcReaderTest, ReadsItsOwnProcess) {
  ProcReader proc;
  auto a = proc.read_proc_stat(::getpid());
  ASSERT_TRUE(a) << a.status().to_string();
  EXPECT_EQ(a->pid, ::getpid());
  EXPECT_EQ(a->state, 'R');
  EXPECT_EQ(a->ppid, ::getppid());
  EXPECT_EQ(a->pgid, ::getpgrp());
  EXPECT_EQ(a->session, ::getsid(0));
  EXPECT_GE(a->threads, 1);
  EXPECT_GT(a->vsize_bytes, 0U);
  EXPECT_GT(a->rss_bytes, 0U);
  auto b = proc.read_proc_stat(::getpid());
  ASSERT_TRUE(b);
  EXPECT_EQ(a->start_ticks, b->start_ticks);
  EXPECT_GE(b->cpu_ticks, a->cpu_ticks);
  EXPECT_TRUE(proc.process_alive_with_start(::getpid(), a->start_ticks));
  EXPECT_GE(proc.count_fds(::getpid()), 3);
}

// A running copy of /bin/sleep whose name contains a space and a ')'.
class AwkwardChild : public ::testing::Test {
 protected:
  void SetUp() override {
    program_ = tmp_ / "a b) c";
    std::filesystem::copy_file("/bin/sleep", program_);
    ::chmod(program_.c_str(), 0755);
    SpawnSpec spec;
    spec.program = program_;
    spec.argv = {"a b) c", "30"};
    spec.cwd = tmp_.path();
    auto child = PosixSpawner().spawn(spec);
    ASSERT_TRUE(child) << child.status().to_string();
    child_ = *child;
    guard_ = std::make_unique<ChildGuard>(child_.pid, child_.pidfd);
  }

  TempDir tmp_;
  std::string program_;
  SpawnedProcess child_;
  std::unique_ptr<ChildGuard> guard_;
  ProcReader proc_;
};

TEST_F(AwkwardChild, StatParsesAndStartTimeIsStable) {
  auto a = proc_.read_proc_stat(child_.pid);
  ASSERT_TRUE(a) << a.status().to_string();
  EXPECT_EQ(a->comm, "a b) c");
  EXPECT_EQ(a->ppid, ::getpid());
  EXPECT_EQ(a->pgid, child_.pid);
  EXPECT_EQ(a->session, child_.pid);
  EXPECT_EQ(a->threads, 1);
  EXPECT_EQ(a->start_ticks, child_.start_ticks);
  auto b = proc_.read_proc_stat(child_.pid);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->start_ticks, a->start_ticks);
}

TEST_F(AwkwardChild, CmdlineAndFds) {
  // spawn() returns when the exec closes the error pipe, which the kernel does before it lays
  // out the new program's argv: until then /proc/<pid>/cmdline reads empty (seen under load).
  ASSERT_TRUE(testing::wait_for([&] {
    auto c = proc_.read_cmdline(child_.pid);
    return c && !c->empty();
  }));
  auto cmd = proc_.read_cmdline(child_.pid);
  ASSERT_TRUE(cmd) << cmd.status().to_string();
  EXPECT_EQ(*cmd, "a b) c 30");
  EXPECT_EQ(proc_.count_fds(child_.pid), 3);  // stdin, stdout, stderr: nothing leaked
}

TEST_F(AwkwardChild, AliveCheckNeedsTheSameStartTime) {
  EXPECT_TRUE(proc_.process_alive_with_start(child_.pid, child_.start_ticks));
  EXPECT_FALSE(proc_.process_alive_with_start(child_.pid, child_.start_ticks + 1));
  EXPECT_FALSE(proc_.process_alive_with_start(0, child_.start_ticks));
}

TEST_F(AwkwardChild, ZombieAndReapedProcessesAreNotAlive) {
  ASSERT_EQ(::kill(child_.pid, SIGKILL), 0);
  ASSERT_TRUE(testing::wait_exited_unreaped(child_.pid));
  auto zombie = proc_.read_proc_stat(child_.pid);
  ASSERT_TRUE(zombie);
  EXPECT_EQ(zombie->state, 'Z');
  EXPECT_FALSE(proc_.process_alive_with_start(child_.pid, child_.start_ticks));
  ASSERT_TRUE(reap_child(child_.pid, /*block=*/false));
  guard_->release();
  EXPECT_FALSE(proc_.process_alive_with_start(child_.pid, child_.start_ticks));
  EXPECT_EQ(proc_.read_proc_stat(child_.pid).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(proc_.count_fds(child_.pid), -1);
  EXPECT_FALSE(proc_.read_cmdline(child_.pid));
}

TEST(ProcReaderTest, ReadsAFakeProcTree) {
  TempDir root;
  testing::write_plain(root / "loadavg", "0.50 1.25 2.00 1/123 4567\n");
  testing::write_plain(root / "meminfo",
                       "MemTotal:        1000 kB\nMemFree:  10 kB\nMemAvailable:     400 kB\n");
  std::filesystem::create_directory(root / "4242");
  testing::write_plain(root / "4242/stat", kAwkwardStat);
  ProcReader proc(root.path());
  const HostSample h = proc.read_host();
  EXPECT_DOUBLE_EQ(h.load1, 0.5);
  EXPECT_DOUBLE_EQ(h.load5, 1.25);
  EXPECT_DOUBLE_EQ(h.load15, 2.0);
  EXPECT_EQ(h.mem_total_bytes, 1000U * 1024U);
  EXPECT_EQ(h.mem_available_bytes, 400U * 1024U);
  EXPECT_TRUE(proc.process_alive_with_start(4242, 123456));
  std::string zombie = kAwkwardStat;
  zombie[zombie.find(") S") + 2] = 'Z';
  testing::write_plain(root / "4242/stat", zombie);
  EXPECT_FALSE(proc.process_alive_with_start(4242, 123456));
}

TEST(ProcReaderTest, ReadsTheRealHost) {
  const HostSample h = ProcReader().read_host();
  EXPECT_GE(h.load1, 0.0);
  EXPECT_GT(h.mem_total_bytes, 0U);
  EXPECT_GT(h.mem_available_bytes, 0U);
  EXPECT_LE(h.mem_available_bytes, h.mem_total_bytes);
}

TEST(DiskUsageTest, ReportsTotalsAndPercentage) {
  auto du = disk_usage("/");
  ASSERT_TRUE(du) << du.status().to_string();
  EXPECT_EQ(du->path, "/");
  EXPECT_GT(du->total_bytes, 0U);
  EXPECT_LE(du->avail_bytes, du->total_bytes);
  EXPECT_GE(du->avail_pct, 0.0);
  EXPECT_LE(du->avail_pct, 100.0);
}

TEST(DiskUsageTest, MissingPathIsNamed) {
  auto du = disk_usage("/no/such/dir");
  ASSERT_FALSE(du);
  EXPECT_EQ(du.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(du.status().message().find("'/no/such/dir'"), std::string::npos);
}

TEST(CpuMeterTest, TurnsTickDeltasIntoPercent) {
  CpuMeter meter(100);
  const auto t0 = std::chrono::steady_clock::time_point(10s);
  EXPECT_FALSE(meter.sample(1000, t0)) << "first sample has no baseline";
  EXPECT_DOUBLE_EQ(*meter.sample(1050, t0 + 1s), 50.0);
  EXPECT_DOUBLE_EQ(*meter.sample(1450, t0 + 3s), 200.0) << "two busy cores";
  EXPECT_FALSE(meter.sample(1500, t0 + 3s)) << "no time passed";
  EXPECT_FALSE(meter.sample(10, t0 + 4s)) << "counter went back: another process";
  EXPECT_DOUBLE_EQ(*meter.sample(60, t0 + 5s), 50.0) << "re-baselined";
}

}  // namespace
}  // namespace bc::sup
