#include "supervisor/reaper.h"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "supervisor/signal_fd.h"
#include "supervisor/spawner.h"
#include "test_support.h"

namespace bc::sup {
namespace {

using testing::ChildGuard;
using testing::TempDir;

class ReaperTest : public ::testing::Test {
 protected:
  // Spawns `sh -c script`; the guard kills and reaps it if the test bails out early.
  pid_t start(const std::string& script) {
    SpawnSpec spec;
    spec.program = "/bin/sh";
    spec.argv = {"sh", "-c", script};
    spec.cwd = tmp_.path();  // core files, if the machine writes them, land here
    spec.env = {"PATH=/usr/bin:/bin"};
    auto child = spawner_.spawn(spec);
    EXPECT_TRUE(child) << child.status().to_string();
    if (!child) return -1;
    guards_.push_back(std::make_unique<ChildGuard>(child->pid, child->pidfd));
    return child->pid;
  }

  // Finds `pid` among the reaped, and tells its guard there is nothing left to do.
  std::optional<ExitInfo> take(const std::vector<ExitInfo>& reaped, pid_t pid) {
    for (const auto& info : reaped) {
      if (info.pid != pid) continue;
      for (auto& g : guards_) {
        if (g->pid() == pid) g->release();
      }
      return info;
    }
    return std::nullopt;
  }

  TempDir tmp_;
  PosixSpawner spawner_;
  std::vector<std::unique_ptr<ChildGuard>> guards_;
};

TEST_F(ReaperTest, ReportsExitCode) {
  const pid_t pid = start("exit 7");
  ASSERT_TRUE(testing::wait_exited_unreaped(pid));
  auto info = take(reap_children(), pid);
  ASSERT_TRUE(info);
  EXPECT_TRUE(info->exited);
  EXPECT_EQ(info->exit_code, 7);
  EXPECT_EQ(info->signal, 0);
  EXPECT_FALSE(info->core_dumped);
  EXPECT_EQ(describe_exit(*info), "exit code 7");
}

TEST_F(ReaperTest, ReportsTerminatingSignal) {
  const pid_t pid = start("exec sleep 30");
  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  ASSERT_TRUE(testing::wait_exited_unreaped(pid));
  auto info = take(reap_children(), pid);
  ASSERT_TRUE(info);
  EXPECT_FALSE(info->exited);
  EXPECT_EQ(info->signal, SIGTERM);
  EXPECT_EQ(describe_exit(*info), "signal 15 (Terminated)");
}

TEST_F(ReaperTest, ReportsAbortAndCoreFlagWhenTheMachineWritesCores) {
  const pid_t pid = start("kill -ABRT $$");
  ASSERT_TRUE(testing::wait_exited_unreaped(pid));
  auto info = take(reap_children(), pid);
  ASSERT_TRUE(info);
  EXPECT_FALSE(info->exited);
  EXPECT_EQ(info->signal, SIGABRT);
  // Whether a core is written depends on core_pattern; only the flag's consistency is ours.
  if (info->core_dumped) {
    EXPECT_NE(describe_exit(*info).find(", core dumped"), std::string::npos);
  }
}

TEST_F(ReaperTest, ReportsResourceUsage) {
  const pid_t pid = start("i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done");
  ASSERT_TRUE(testing::wait_exited_unreaped(pid, std::chrono::seconds(60)));
  auto info = take(reap_children(), pid);
  ASSERT_TRUE(info);
  EXPECT_GT(info->utime_s + info->stime_s, 0.0);
  EXPECT_GT(info->maxrss_kb, 0);
}

TEST_F(ReaperTest, ReapsEveryExitedChildInOneCall) {
  std::vector<pid_t> pids = {start("exit 1"), start("exit 2"), start("exit 3")};
  for (pid_t pid : pids)
    ASSERT_TRUE(testing::wait_exited_unreaped(pid));
  const auto reaped = reap_children();
  for (std::size_t i = 0; i < pids.size(); ++i) {
    auto info = take(reaped, pids[i]);
    ASSERT_TRUE(info) << "pid " << pids[i];
    EXPECT_EQ(info->exit_code, static_cast<int>(i) + 1);
  }
  EXPECT_TRUE(reap_children().empty());
}

TEST_F(ReaperTest, NeverBlocksOnLiveChildren) {
  const pid_t pid = start("exec sleep 30");
  EXPECT_TRUE(reap_children().empty());
  EXPECT_FALSE(reap_child(pid, /*block=*/false));
}

TEST_F(ReaperTest, ReapChildIgnoresStrangers) {
  EXPECT_FALSE(reap_child(1, /*block=*/false));
  EXPECT_FALSE(reap_child(0, /*block=*/true));
}

bool blocked(int sig) {
  sigset_t now;
  pthread_sigmask(SIG_BLOCK, nullptr, &now);
  return sigismember(&now, sig) == 1;
}

// Waits for the signalfd to turn readable, then drains it.
std::vector<int> await_signals(SignalFd& fd) {
  pollfd p{fd.fd(), POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(testing::kDeadline.count())) != 1) return {};
  return fd.drain();
}

TEST(SignalFdTest, DeliversBlockedSignalsThroughTheFd) {
  auto fd = SignalFd::open();
  ASSERT_TRUE(fd) << fd.status().to_string();
  EXPECT_TRUE(fd->drain().empty()) << "non-blocking when nothing is pending";
  ASSERT_EQ(::raise(SIGHUP), 0);
  EXPECT_EQ(await_signals(*fd), std::vector<int>{SIGHUP});
  ASSERT_EQ(::raise(SIGTERM), 0);
  ASSERT_EQ(::raise(SIGINT), 0);
  auto got = await_signals(*fd);
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<int>{SIGINT, SIGTERM}));
}

TEST(SignalFdTest, ReportsSigchld) {
  auto fd = SignalFd::open();
  ASSERT_TRUE(fd);
  TempDir tmp;
  SpawnSpec spec;
  spec.program = "/bin/true";
  spec.argv = {"true"};
  spec.cwd = tmp.path();
  auto child = PosixSpawner().spawn(spec);
  ASSERT_TRUE(child) << child.status().to_string();
  ChildGuard guard(child->pid, child->pidfd);
  const auto got = await_signals(*fd);
  EXPECT_NE(std::find(got.begin(), got.end(), SIGCHLD), got.end());
  ASSERT_EQ(reap_children().size(), 1U);
  guard.release();
}

TEST(SignalFdTest, BlocksWhileOpenAndRestoresOnDestruction) {
  ASSERT_FALSE(blocked(SIGHUP));
  {
    auto fd = SignalFd::open();
    ASSERT_TRUE(fd);
    EXPECT_TRUE(blocked(SIGCHLD));
    EXPECT_TRUE(blocked(SIGTERM));
    EXPECT_TRUE(blocked(SIGINT));
    EXPECT_TRUE(blocked(SIGHUP));
    EXPECT_FALSE(blocked(SIGPIPE)) << "SIGPIPE is ignored, not queued";
    struct sigaction pipe_action {};
    ::sigaction(SIGPIPE, nullptr, &pipe_action);
    EXPECT_EQ(pipe_action.sa_handler, SIG_IGN);
    SignalFd moved = std::move(*fd);
    EXPECT_EQ(fd->fd(), -1);
    EXPECT_GE(moved.fd(), 0);
  }
  EXPECT_FALSE(blocked(SIGHUP));
  struct sigaction pipe_action {};
  ::sigaction(SIGPIPE, nullptr, &pipe_action);
  EXPECT_EQ(pipe_action.sa_handler, SIG_DFL);
}

}  // namespace
}  // namespace bc::sup
