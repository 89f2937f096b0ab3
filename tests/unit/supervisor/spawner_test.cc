#include "supervisor/spawner.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "common/dir_fd.h"
#include "common/file_util.h"
#include "supervisor/proc_reader.h"
#include "supervisor/signal_fd.h"
#include "test_support.h"

namespace bc::sup {
namespace {

using testing::ChildGuard;
using testing::TempDir;

class SpawnerTest : public ::testing::Test {
 protected:
  // A spec running `argv` (argv[0] is the program) in <tmp>/node with logs there.
  SpawnSpec spec_for(std::vector<std::string> argv) {
    SpawnSpec spec;
    spec.program = argv.front();
    spec.argv = std::move(argv);
    spec.cwd = tmp_ / "node";
    spec.env = {"PATH=/usr/bin:/bin"};
    spec.stdout_path = spec.cwd + "/stdout.log";
    spec.stderr_path = spec.cwd + "/stderr.log";
    return spec;
  }

  // Spawns, waits for the exit, and returns the stdout log.
  std::string run_to_completion(const SpawnSpec& spec, int expected_code = 0) {
    auto child = spawner_.spawn(spec);
    if (!child) return "<spawn failed: " + child.status().to_string() + ">";
    ChildGuard guard(child->pid, child->pidfd);
    auto exit = testing::wait_exit(child->pid);
    if (!exit) return "<timeout>";
    guard.release();
    EXPECT_TRUE(exit->exited);
    EXPECT_EQ(exit->exit_code, expected_code);
    return testing::slurp(spec.stdout_path);
  }

  TempDir tmp_;
  PosixSpawner spawner_;
};

bool file_exists_at(const std::string& dir, const std::string& name) {
  struct stat st {};
  return ::lstat((dir + "/" + name).c_str(), &st) == 0;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}

TEST_F(SpawnerTest, RunsInCwdWithLogsAndReportsExitCode) {
  auto spec = spec_for({"/bin/sh", "-c", "pwd; echo \"FOO=$FOO\"; echo oops >&2; exit 3"});
  spec.env.push_back("FOO=bar baz");
  EXPECT_EQ(run_to_completion(spec, 3), spec.cwd + "\nFOO=bar baz\n");
  EXPECT_EQ(testing::slurp(spec.stderr_path), "oops\n");
  struct stat st {};
  ASSERT_EQ(::stat(spec.stdout_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & ~0640 & 0777, 0U) << "log mode must not exceed 0640";
}

// A working dir handed over open (the supervisor's walk to a node's dir): the child runs in
// it and the logs named in it are created in it, even when its path now leads elsewhere.
TEST_F(SpawnerTest, AnOpenCwdIsUsedAndItsLogsOpenedInItNotByPath) {
  auto spec = spec_for({"/bin/sh", "-c", "echo out; ls"});
  ASSERT_TRUE(ensure_dir(spec.cwd));
  auto dir = open_dir_nofollow(spec.cwd, "");
  ASSERT_TRUE(dir.is_ok());
  const std::string moved = tmp_ / "moved";
  ASSERT_EQ(::rename(spec.cwd.c_str(), moved.c_str()), 0);
  ASSERT_TRUE(ensure_dir(tmp_ / "elsewhere"));
  ASSERT_EQ(::symlink((tmp_ / "elsewhere").c_str(), spec.cwd.c_str()), 0);
  spec.cwd_fd = dir->get();
  spec.stdout_path = "stdout.log";
  spec.stderr_path = "stderr.log";
  auto child = spawner_.spawn(spec);
  ASSERT_TRUE(child.is_ok()) << child.status().to_string();
  ChildGuard guard(child->pid, child->pidfd);
  ASSERT_TRUE(testing::wait_exit(child->pid));
  guard.release();
  EXPECT_EQ(testing::slurp(moved + "/stdout.log"), "out\nstderr.log\nstdout.log\n");
  EXPECT_FALSE(file_exists_at(tmp_ / "elsewhere", "stdout.log"));

  // A log name planted as a link in that dir is refused, naming it.
  ASSERT_EQ(::unlink((moved + "/stderr.log").c_str()), 0);
  ASSERT_EQ(::symlink((tmp_ / "elsewhere/target").c_str(), (moved + "/stderr.log").c_str()), 0);
  auto refused = spawner_.spawn(spec);
  ASSERT_FALSE(refused.is_ok());
  EXPECT_NE(refused.status().message().find("refusing log file '" + spec.cwd +
                                            "/stderr.log': it is a symbolic link"),
            std::string::npos)
      << refused.status().message();
  EXPECT_FALSE(file_exists_at(tmp_ / "elsewhere", "target"));
}

TEST_F(SpawnerTest, EnvironmentIsExactlyTheSpec) {
  auto spec = spec_for({"/usr/bin/env"});
  spec.env = {"CLUSTER_NODE=worker-1", "A=1"};
  auto got = lines(run_to_completion(spec));
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::string>{"A=1", "CLUSTER_NODE=worker-1"}));
}

TEST_F(SpawnerTest, AppendsToExistingLogs) {
  auto spec = spec_for({"/bin/echo", "second"});
  ASSERT_TRUE(ensure_dir(spec.cwd));
  testing::write_plain(spec.stdout_path, "first\n", 0640);
  EXPECT_EQ(run_to_completion(spec), "first\nsecond\n");
}

TEST_F(SpawnerTest, ResolvesBareProgramNameInSpecPath) {
  auto spec = spec_for({"echo", "found"});
  EXPECT_EQ(run_to_completion(spec), "found\n");
  spec.program = "no-such-program-for-bc-tests";
  auto r = spawner_.spawn(spec);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().message(),
            "cannot execute 'no-such-program-for-bc-tests': No such file or directory");
}

TEST_F(SpawnerTest, MissingProgramFailsSynchronouslyWithoutZombie) {
  auto spec = spec_for({"/nonexistent/prog"});
  auto r = spawner_.spawn(spec);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().code(), ErrorCode::kIo);
  EXPECT_EQ(r.status().message(), "cannot execute '/nonexistent/prog': No such file or directory");
  errno = 0;
  EXPECT_EQ(::waitpid(-1, nullptr, WNOHANG), -1) << "the failed child must already be reaped";
  EXPECT_EQ(errno, ECHILD);
}

TEST_F(SpawnerTest, NonExecutableFileIsPermissionDenied) {
  const std::string prog = tmp_ / "not-executable";
  testing::write_plain(prog, "#!/bin/sh\n", 0644);
  auto r = spawner_.spawn(spec_for({prog}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().code(), ErrorCode::kIo);
  EXPECT_EQ(r.status().message(), "cannot execute '" + prog + "': Permission denied");
}

TEST_F(SpawnerTest, RejectsMalformedSpecs) {
  auto spec = spec_for({"/bin/true"});
  spec.argv.clear();
  EXPECT_EQ(spawner_.spawn(spec).status().code(), ErrorCode::kInvalidArgument);
  spec = spec_for({"/bin/true"});
  spec.env.push_back("NO_EQUALS_SIGN");
  EXPECT_EQ(spawner_.spawn(spec).status().code(), ErrorCode::kInvalidArgument);
  spec = spec_for({"/bin/true"});
  spec.cpus = {-1};
  EXPECT_EQ(spawner_.spawn(spec).status().code(), ErrorCode::kInvalidArgument);
}

TEST_F(SpawnerTest, CwdUnderARegularFileFailsNamingIt) {
  testing::write_plain(tmp_ / "file", "");
  auto spec = spec_for({"/bin/true"});
  spec.cwd = tmp_ / "file/node";
  auto r = spawner_.spawn(spec);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().message(), "cannot create directory '" + spec.cwd + "': Not a directory");
}

TEST_F(SpawnerTest, UnwritableCwdFailsBeforeForkingNamingIt) {
  const std::string locked = tmp_ / "locked";
  ASSERT_EQ(::mkdir(locked.c_str(), 0555), 0);
  ASSERT_EQ(::chmod(tmp_.path().c_str(), 0755), 0);  // nobody must reach it
  auto attempt = [this](const std::string& cwd) {
    return testing::run_in_child(
        [&] {
          auto spec = spec_for({"/bin/true"});
          spec.cwd = cwd;
          spec.stdout_path = spec.stderr_path = "";
          auto r = spawner_.spawn(spec);
          return r ? std::string("spawned") : r.status().message();
        },
        /*drop_privileges=*/true);
  };
  EXPECT_EQ(attempt(locked), "directory '" + locked + "' is not writable: Permission denied");
  EXPECT_EQ(attempt(locked + "/node"),
            "cannot create directory '" + locked + "/node': Permission denied");
}

TEST_F(SpawnerTest, ChildLeadsItsOwnSessionAndProcessGroup) {
  auto child = spawner_.spawn(spec_for({"/bin/sleep", "30"}));
  ASSERT_TRUE(child) << child.status().to_string();
  ChildGuard guard(child->pid, child->pidfd);
  EXPECT_EQ(::getsid(child->pid), child->pid);
  EXPECT_EQ(::getpgid(child->pid), child->pid);
  EXPECT_NE(::getsid(child->pid), ::getsid(0));
}

TEST_F(SpawnerTest, SupervisorDescriptorsDoNotLeakIntoTheNode) {
  // Inheritable on purpose (no CLOEXEC), at numbers the child would not open itself.
  const int devnull = ::open("/dev/null", O_RDONLY);
  ASSERT_GE(devnull, 0);
  ASSERT_EQ(::dup2(devnull, 60), 60);
  ASSERT_EQ(::dup2(devnull, 61), 61);
  ::close(devnull);
  const auto listing = lines(run_to_completion(spec_for({"/bin/ls", "-1", "/proc/self/fd"})));
  ::close(60);
  ::close(61);
  // 0, 1, 2 and the directory ls is reading; nothing else.
  EXPECT_LE(listing.size(), 4U);
  for (const auto& fd : listing)
    EXPECT_LE(std::stoi(fd), 3) << "leaked fd " << fd;
}

TEST_F(SpawnerTest, NotifyFdBecomesFdThreeAndNothingElseLeaks) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  auto spec = spec_for({"/bin/sh", "-c", "echo ready >&3; ls -1 /proc/self/fd"});
  spec.notify_fd = fds[1];
  const auto listing = lines(run_to_completion(spec));
  ::close(fds[1]);
  char buf[16] = {};
  EXPECT_EQ(::read(fds[0], buf, sizeof buf - 1), 6);
  ::close(fds[0]);
  EXPECT_STREQ(buf, "ready\n");
  // 0-2, the readiness fd 3, and the directory ls is reading.
  EXPECT_LE(listing.size(), 5U);
  for (const auto& fd : listing)
    EXPECT_LE(std::stoi(fd), 4) << "leaked fd " << fd;
}

TEST_F(SpawnerTest, WithoutNotifyFdTheChildHasNoFdThree) {
  EXPECT_EQ(
      run_to_completion(spec_for({"/bin/sh", "-c", "echo x >&3 && echo open || echo closed"})),
      "closed\n");
}

TEST_F(SpawnerTest, StdinIsDevNull) {
  EXPECT_EQ(run_to_completion(spec_for({"/bin/readlink", "/proc/self/fd/0"})), "/dev/null\n");
}

TEST_F(SpawnerTest, SignalMaskAndDispositionsAreReset) {
  // The supervisor blocks SIGCHLD/SIGTERM/... and ignores SIGPIPE; the node must not.
  auto signals = SignalFd::open();
  ASSERT_TRUE(signals) << signals.status().to_string();
  const auto got = lines(
      run_to_completion(spec_for({"/bin/grep", "-E", "^Sig(Blk|Ign):", "/proc/self/status"})));
  EXPECT_EQ(got,
            (std::vector<std::string>{"SigBlk:\t0000000000000000", "SigIgn:\t0000000000000000"}));
}

TEST_F(SpawnerTest, CpuAffinityIsApplied) {
  cpu_set_t mine;
  ASSERT_EQ(::sched_getaffinity(0, sizeof(mine), &mine), 0);
  int last = -1;
  for (int c = 0; c < CPU_SETSIZE; ++c) {
    if (CPU_ISSET(c, &mine)) last = c;
  }
  ASSERT_GE(last, 0);
  auto spec = spec_for({"/bin/grep", "Cpus_allowed_list", "/proc/self/status"});
  spec.cpus = {last};
  EXPECT_EQ(run_to_completion(spec), "Cpus_allowed_list:\t" + std::to_string(last) + "\n");
}

TEST_F(SpawnerTest, UnavailableCpuIsReportedSynchronously) {
  auto spec = spec_for({"/bin/true"});
  spec.cpus = {8000};
  auto r = spawner_.spawn(spec);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().message(), "cannot pin '/bin/true' to cpus 8000: Invalid argument");
}

// The soft limit column of a /proc/<pid>/limits line starting with `label`.
std::string soft_limit(const std::string& limits, const std::string& label) {
  for (const auto& line : lines(limits)) {
    if (line.rfind(label, 0) != 0) continue;
    std::istringstream rest(line.substr(label.size()));
    std::string soft;
    rest >> soft;
    return soft;
  }
  return "<missing>";
}

TEST_F(SpawnerTest, CoreDumpsAndMemoryLimitAreApplied) {
  auto spec = spec_for({"/bin/cat", "/proc/self/limits"});
  spec.mem_limit_bytes = 1ULL << 30;
  spec.core_dumps = true;
  const std::string limits = run_to_completion(spec);
  rlimit core{};
  ASSERT_EQ(::getrlimit(RLIMIT_CORE, &core), 0);
  const std::string hard_core =
      core.rlim_max == RLIM_INFINITY ? "unlimited" : std::to_string(core.rlim_max);
  EXPECT_EQ(soft_limit(limits, "Max core file size"), hard_core);
  EXPECT_EQ(soft_limit(limits, "Max address space"), std::to_string(1ULL << 30));
}

TEST_F(SpawnerTest, CoreDumpsCanBeDisabled) {
  auto spec = spec_for({"/bin/cat", "/proc/self/limits"});
  spec.core_dumps = false;
  EXPECT_EQ(soft_limit(run_to_completion(spec), "Max core file size"), "0");
}

TEST_F(SpawnerTest, ReturnsPidfdAndStartTime) {
  auto child = spawner_.spawn(spec_for({"/bin/sleep", "30"}));
  ASSERT_TRUE(child) << child.status().to_string();
  ChildGuard guard(child->pid, child->pidfd);
  auto st = ProcReader().read_proc_stat(child->pid);
  ASSERT_TRUE(st) << st.status().to_string();
  EXPECT_GT(child->start_ticks, 0U);
  EXPECT_EQ(child->start_ticks, st->start_ticks);
  ASSERT_GE(child->pidfd, 0) << "kernel without pidfd_open?";
  EXPECT_NE(::fcntl(child->pidfd, F_GETFD) & FD_CLOEXEC, 0);
  // The pidfd is how the supervisor watches re-adopted nodes: readable once it exits.
  ASSERT_EQ(::kill(child->pid, SIGTERM), 0);
  pollfd p{child->pidfd, POLLIN, 0};
  EXPECT_EQ(::poll(&p, 1, static_cast<int>(testing::kDeadline.count())), 1);
}

}  // namespace
}  // namespace bc::sup
