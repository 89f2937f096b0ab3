// LockFile: the cluster-wide lock of the commands that change the cluster — exclusive, the
// holder's pid, time and command inside, a waiter told once who holds it, a deadline,
// release when the holder dies, and a holder stopped past the deadline taken over.

#include "shell/lock_file.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "tests/support/run_process.h"

namespace bc::shell {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A child process that takes the lock and keeps it until it is killed.
class ChildHolder {
 public:
  explicit ChildHolder(const std::string& path, const std::string& command = "") {
    int ready[2];
    EXPECT_EQ(pipe(ready), 0);
    pid_ = fork();
    if (pid_ == 0) {
      close(ready[0]);
      auto lock = LockFile::acquire(path, milliseconds(0), {}, command);
      const char c = lock.is_ok() ? 'y' : 'n';
      (void)write(ready[1], &c, 1);
      for (;;)
        pause();  // ended by the parent's SIGKILL
    }
    close(ready[1]);
    char c = 0;
    EXPECT_EQ(read(ready[0], &c, 1), 1);  // blocks until the child holds the lock
    close(ready[0]);
    EXPECT_EQ(c, 'y');
  }
  ~ChildHolder() { end(); }
  void end() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = 0;
  }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = 0;
};

TEST(LockFile, TakesAFreeLockAndWritesItsPid) {
  test::TempDir dir;
  const std::string path = dir.path() + "/spool/sub/lock";  // parents are created
  {
    auto lock = LockFile::acquire(path, milliseconds(0));
    ASSERT_TRUE(lock.is_ok()) << lock.status().message();
    EXPECT_THAT(read_file(path), ::testing::StartsWith(std::to_string(getpid()) + "\n"));
    EXPECT_EQ(LockFile::holder(path).pid, getpid());
  }
  // Released: emptied, not removed (a waiter may have the inode open).
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_EQ(read_file(path), "");
  EXPECT_EQ(LockFile::holder(path).pid, 0);
}

TEST(LockFile, AHeldLockTimesOutNamingTheHolderAndSaysSoOnce) {
  test::TempDir dir;
  const std::string path = dir.path() + "/lock";
  ChildHolder child(path);
  int notices = 0;
  std::string notice;
  const auto t0 = std::chrono::steady_clock::now();
  auto lock = LockFile::acquire(path, milliseconds(300), [&](std::string_view text) {
    ++notices;
    notice = std::string(text);
  });
  const auto waited = std::chrono::steady_clock::now() - t0;
  ASSERT_FALSE(lock.is_ok());
  EXPECT_EQ(lock.status().code(), ErrorCode::kBusy);
  EXPECT_THAT(
      lock.status().message(),
      ::testing::MatchesRegex("lock " + path + " is held by pid " + std::to_string(child.pid()) +
                              " \\(since [0-9:]{8}\\); gave up after 0.3 s"));
  EXPECT_EQ(notices, 1);
  EXPECT_THAT(notice, HasSubstr("waiting for lock " + path + " held by pid " +
                                std::to_string(child.pid()) + " (since "));
  EXPECT_GE(waited, milliseconds(300));
  EXPECT_LT(waited, milliseconds(2000));
  EXPECT_EQ(LockFile::holder(path).pid, child.pid());
}

TEST(LockFile, AZeroTimeoutTriesOnce) {
  test::TempDir dir;
  const std::string path = dir.path() + "/lock";
  auto first = LockFile::acquire(path, milliseconds(0));
  ASSERT_TRUE(first.is_ok());
  // flock conflicts between open file descriptions, also within one process.
  auto second = LockFile::acquire(path, milliseconds(0));
  ASSERT_FALSE(second.is_ok());
  EXPECT_EQ(second.status().code(), ErrorCode::kBusy);
}

TEST(LockFile, AWaiterGetsTheLockWhenItsHolderDies) {
  test::TempDir dir;
  const std::string path = dir.path() + "/lock";
  ChildHolder child(path);
  // The holder dies while we wait (killed from the notice, so no timing is involved): the
  // kernel drops its flock and we get the lock well before the deadline.
  auto lock = LockFile::acquire(path, milliseconds(10000), [&](std::string_view) { child.end(); });
  ASSERT_TRUE(lock.is_ok()) << lock.status().message();
  EXPECT_EQ(LockFile::holder(path).pid, getpid());
}

TEST(LockFile, AWaiterIsToldTheHoldersCommandAndWhenItStarted) {
  test::TempDir dir;
  const std::string path = dir.path() + "/lock";
  const std::time_t before = std::time(nullptr);
  ChildHolder child(path, "deploy");
  const LockFile::Holder h = LockFile::holder(path);
  EXPECT_EQ(h.pid, child.pid());
  EXPECT_EQ(h.command, "deploy");
  EXPECT_GE(h.since, before);
  EXPECT_LE(h.since, std::time(nullptr));
  auto lock = LockFile::acquire(path, milliseconds(50));
  ASSERT_FALSE(lock.is_ok());
  EXPECT_THAT(lock.status().message(),
              HasSubstr("held by pid " + std::to_string(child.pid()) + " (deploy, since "));
}

// A holder stopped (SIGSTOP, Ctrl-Z) when the deadline passes would block every shell for
// as long as it stays stopped: the waiter takes the lock over, says so, and a running
// holder is never taken over (AHeldLockTimesOut... above).
TEST(LockFile, AHolderStoppedPastTheDeadlineLosesTheLock) {
  test::TempDir dir;
  const std::string path = dir.path() + "/lock";
  ChildHolder child(path, "install");
  ASSERT_EQ(kill(child.pid(), SIGSTOP), 0);
  std::vector<std::string> notices;
  const auto t0 = std::chrono::steady_clock::now();
  auto lock = LockFile::acquire(
      path, milliseconds(300), [&](std::string_view text) { notices.emplace_back(text); }, "stop");
  const auto waited = std::chrono::steady_clock::now() - t0;
  kill(child.pid(), SIGCONT);
  ASSERT_TRUE(lock.is_ok()) << lock.status().message();
  EXPECT_GE(waited, milliseconds(300));
  ASSERT_EQ(notices.size(), 2u);
  EXPECT_THAT(notices[1], HasSubstr("(install, since "));
  EXPECT_THAT(notices[1], HasSubstr("stopped past the deadline: taken over"));
  EXPECT_EQ(LockFile::holder(path).pid, getpid());
  EXPECT_EQ(LockFile::holder(path).command, "stop");
  // Nobody else gets it while we hold it, the continued old holder included.
  EXPECT_FALSE(LockFile::acquire(path, milliseconds(0)).is_ok());
}

TEST(LockFile, MovingKeepsTheLockAndReleasesOnce) {
  test::TempDir dir;
  const std::string path = dir.path() + "/lock";
  auto lock = LockFile::acquire(path, milliseconds(0));
  ASSERT_TRUE(lock.is_ok());
  {
    LockFile moved = std::move(*lock);
    EXPECT_EQ(moved.path(), path);
    EXPECT_FALSE(LockFile::acquire(path, milliseconds(0)).is_ok());
  }
  EXPECT_TRUE(LockFile::acquire(path, milliseconds(0)).is_ok());
}

TEST(LockFile, AnUnwritableDirectoryIsAnIoError) {
  auto lock = LockFile::acquire("/proc/self/no/such/lock", milliseconds(0));
  ASSERT_FALSE(lock.is_ok());
  EXPECT_EQ(lock.status().code(), ErrorCode::kIo);
  EXPECT_THAT(lock.status().message(), HasSubstr("/proc/self/no/such/lock"));
}

}  // namespace
}  // namespace bc::shell
