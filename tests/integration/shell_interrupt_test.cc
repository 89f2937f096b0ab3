// Ctrl-C as in a shell (issue 18, point 2). At the prompt it drops the half-typed line and
// the shell stays; during `exec` it cancels the command, the hosts kill what it started,
// the shell says what finished and what was cancelled and prompts again; a one-shot
// command exits 130. The interactive shell runs in a tmux pane: a real terminal, so libedit
// reads the keys and the terminal turns Ctrl-C into SIGINT, as for a person.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <iostream>

#include "tests/support/cluster_harness.h"

namespace bc::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr Millis kDeadline(10000);
constexpr std::string_view kPrompt = "[BroCluster] >";

// Where tmux is; empty when it is not installed.
std::string tmux_path() {
  std::string path = run_process({"/bin/sh", "-c", "command -v tmux"}).out;
  while (!path.empty() && path.back() == '\n')
    path.pop_back();
  return path;
}

// `sleep <seconds>` processes, by their exact argument: a marker no other process has.
std::vector<pid_t> sleeps(const std::string& seconds) {
  std::vector<pid_t> found;
  for (pid_t pid : proc_pids()) {
    if (!pid_alive(pid)) continue;
    const std::string cmdline = file_text("/proc/" + std::to_string(pid) + "/cmdline");
    std::vector<std::string> argv;
    std::size_t start = 0;
    for (std::size_t nul; (nul = cmdline.find('\0', start)) != std::string::npos; start = nul + 1)
      argv.push_back(cmdline.substr(start, nul - start));
    if (argv.size() == 2 && argv[0].ends_with("sleep") && argv[1] == seconds) found.push_back(pid);
  }
  return found;
}

// A seconds value no other test process uses, long enough to outlive every wait here.
std::string marker_seconds(int whole) {
  return std::to_string(whole) + "." + std::to_string(getpid());
}

// One tmux server of our own (its socket in a temp dir) with one pane running `argv`.
// The pane stays after its program ends, so that a test sees "dead" instead of nothing.
class TmuxPane {
 public:
  explicit TmuxPane(const std::vector<std::string>& argv) {
    dir_.write("tmux.conf", "set -g remain-on-exit on\nset -g history-limit 5000\n");
    std::vector<std::string> cmd = {"new-session", "-d", "-s", "t",   "-x",
                                    "160",         "-y", "50", "env", "HOME=" + dir_.path()};
    cmd.insert(cmd.end(), argv.begin(), argv.end());
    started_ = tmux(cmd).exit_code == 0;
  }
  ~TmuxPane() { tmux({"kill-server"}); }
  TmuxPane(const TmuxPane&) = delete;
  TmuxPane& operator=(const TmuxPane&) = delete;

  bool started() const { return started_; }
  // The pane's text, scrollback included, without trailing blank lines.
  std::string screen() const {
    std::string text = tmux({"capture-pane", "-p", "-S", "-", "-t", "t"}).out;
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
      text.pop_back();
    return text;
  }
  // The last line of the pane (where the cursor's line is).
  std::string last_line() const {
    const std::string text = screen();
    const auto nl = text.rfind('\n');
    return nl == std::string::npos ? text : text.substr(nl + 1);
  }
  bool dead() const {
    return tmux({"display-message", "-p", "-t", "t", "#{pane_dead}"}).out.starts_with("1");
  }
  void type(const std::string& text) const { tmux({"send-keys", "-t", "t", "-l", text}); }
  void key(const std::string& name) const { tmux({"send-keys", "-t", "t", name}); }
  bool wait_for(const std::function<bool(const TmuxPane&)>& pred) const {
    return poll_until([&] { return pred(*this); }, kDeadline, Millis(50));
  }

 private:
  ProcessResult tmux(std::vector<std::string> args) const {
    args.insert(args.begin(), {tmux_path(), "-S", dir_ / "sock", "-f", dir_ / "tmux.conf"});
    RunOptions run;
    run.timeout = Millis(10000);
    return run_process(args, run);
  }

  TempDir dir_{"brocluster-tmux."};
  bool started_ = false;
};

std::size_t count(const std::string& text, std::string_view needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    ++n;
  return n;
}

class ShellInterrupt : public ::testing::Test {
 protected:
  void SetUp() override {
    h1_ = &cluster_.add_host();
    h2_ = &cluster_.add_host();
    cluster_.add_node(*h1_, "manager", "manager");
    cluster_.add_node(*h1_, "proxy-1", "proxy");
    cluster_.add_node(*h2_, "worker-1", "worker", {"interface=lo"});
    const Status started = cluster_.start();
    ASSERT_TRUE(started.is_ok()) << started.to_string() << '\n' << cluster_.logs();
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << cluster_.logs();
  }
  // A command line for `exec`: the first host answers at once, the second sleeps.
  std::string quick_and_slow(const std::string& seconds) const {
    return "echo quick-$CLUSTER_HOST; test $CLUSTER_HOST = " + h1_->name() + " || sleep " + seconds;
  }

  SimCluster cluster_;
  SimHost* h1_ = nullptr;
  SimHost* h2_ = nullptr;
};

TEST_F(ShellInterrupt, CtrlCClearsThePromptLineAndCancelsExecOnTheHosts) {
  if (tmux_path().empty()) GTEST_SKIP() << "tmux is not installed (scripts/deps.sh installs it)";
  TmuxPane pane(cluster_.shell_argv({}));
  ASSERT_TRUE(pane.started());
  ASSERT_TRUE(pane.wait_for([](const TmuxPane& p) { return p.last_line() == kPrompt; }))
      << pane.screen();

  // Half a line, then Ctrl-C: a fresh prompt, the shell still there, the line gone.
  pane.type("status manag");
  ASSERT_TRUE(pane.wait_for([](const TmuxPane& p) { return p.last_line().ends_with("manag"); }))
      << pane.screen();
  pane.key("C-c");
  ASSERT_TRUE(pane.wait_for([](const TmuxPane& p) {
    return p.dead() || count(p.screen(), kPrompt) == 2;
  })) << pane.screen();
  ASSERT_FALSE(pane.dead()) << "Ctrl-C at the prompt ended the shell:\n" << pane.screen();
  EXPECT_EQ(pane.last_line(), kPrompt) << pane.screen();
  // What is typed next is a line of its own, not the rest of the dropped one.
  pane.type("exec echo fresh-line");
  pane.key("Enter");
  ASSERT_TRUE(pane.wait_for([](const TmuxPane& p) { return count(p.screen(), kPrompt) == 3; }))
      << pane.screen();
  // (The dropped line stays visible above, as in bash; it was not run.)
  EXPECT_THAT(pane.screen(), HasSubstr("\nfresh-line\n"));
  EXPECT_THAT(pane.screen(), Not(HasSubstr("Error")));

  // exec: one host finishes, the other sleeps until Ctrl-C cancels it there.
  const std::string seconds = marker_seconds(29);
  pane.type("exec " + quick_and_slow(seconds));
  pane.key("Enter");
  ASSERT_TRUE(poll_until([&] { return !sleeps(seconds).empty(); }, kDeadline)) << pane.screen();
  pane.key("C-c");
  ASSERT_TRUE(pane.wait_for([](const TmuxPane& p) {
    return p.dead() || count(p.screen(), kPrompt) == 4;
  })) << pane.screen();
  ASSERT_FALSE(pane.dead()) << pane.screen();
  EXPECT_EQ(pane.last_line(), kPrompt) << pane.screen();
  const std::string screen = pane.screen();
  EXPECT_THAT(screen, HasSubstr("==== " + h1_->name() + "\nquick-" + h1_->name() + "\n"));
  EXPECT_THAT(screen, HasSubstr("host " + h2_->name() + ": 'exec' cancelled (Ctrl-C)"));
  EXPECT_THAT(screen, Not(HasSubstr("internal error")));
  EXPECT_TRUE(poll_until([&] { return sleeps(seconds).empty(); }, kDeadline))
      << "the cancelled exec still runs on " << h2_->name();

  // The shell goes on as before.
  pane.type("exec echo after-cancel");
  pane.key("Enter");
  ASSERT_TRUE(pane.wait_for([](const TmuxPane& p) { return count(p.screen(), kPrompt) == 5; }))
      << pane.screen();
  EXPECT_EQ(count(pane.screen(), "\nafter-cancel\n"), 2u) << pane.screen();
}

TEST_F(ShellInterrupt, OneShotExecExits130AndItsProcessesAreGone) {
  const std::string seconds = marker_seconds(28);
  auto shell = cluster_.shell_background({"exec", quick_and_slow(seconds)});
  ASSERT_TRUE(poll_until([&] { return !sleeps(seconds).empty(); }, kDeadline));
  shell->send_signal(SIGINT);
  EXPECT_EQ(shell->wait_exit(kDeadline), 130) << shell->stderr_text();
  EXPECT_TRUE(poll_until([&] { return sleeps(seconds).empty(); }, kDeadline))
      << "the cancelled exec still runs on " << h2_->name();
  EXPECT_THAT(shell->stdout_text(), HasSubstr("quick-" + h1_->name()));
  const std::string err = shell->stderr_text();
  EXPECT_THAT(err, HasSubstr("host " + h2_->name() + ": 'exec' cancelled (Ctrl-C)"));
  EXPECT_THAT(err, Not(HasSubstr("internal error")));
}

// start cannot be undone on the host, so Ctrl-C stops the waiting and says so: the node
// is "not confirmed", not "failed", and the exit code is 130.
TEST_F(ShellInterrupt, OneShotStartExits130AndSaysWhatItDidNotConfirm) {
  h2_->set_fake_env("worker-1", {"FAKE_SLOW_START_MS=20000"});
  auto shell = cluster_.shell_background({"start"});
  ASSERT_TRUE(
      shell->next_line([](const std::string& l) { return l == "starting workers ..."; }, kDeadline))
      << shell->stdout_text() << shell->stderr_text();
  ASSERT_TRUE(poll_until([&] { return !cluster_.node_pids("worker-1").empty(); }, kDeadline));
  shell->send_signal(SIGINT);
  EXPECT_EQ(shell->wait_exit(kDeadline), 130) << shell->stdout_text() << shell->stderr_text();
  const std::string out = shell->stdout_text();
  EXPECT_THAT(out, HasSubstr("  manager started"));
  EXPECT_THAT(out, HasSubstr("  worker-1 not confirmed: host " + h2_->name() +
                             ": stopped waiting for 'start' (Ctrl-C)"));
  EXPECT_THAT(out + shell->stderr_text(), Not(HasSubstr("internal error")));
}

// Waiting for another shell's lock is a wait like the others: Ctrl-C ends it at once.
TEST_F(ShellInterrupt, CtrlCEndsTheWaitForTheLock) {
  h2_->set_fake_env("worker-1", {"FAKE_SLOW_START_MS=20000"});
  auto holder = cluster_.shell_background({"start"});
  ASSERT_TRUE(holder->next_line([](const std::string& l) { return l == "starting workers ..."; },
                                kDeadline))
      << holder->stderr_text();
  // LockTimeout is 30 s (the default): a second command would wait that long.
  auto waiter = cluster_.shell_background({"stop"});
  ASSERT_TRUE(poll_until(
      [&] { return waiter->stderr_text().find("waiting for lock") != std::string::npos; },
      kDeadline))
      << waiter->stderr_text();
  waiter->send_signal(SIGINT);
  EXPECT_EQ(waiter->wait_exit(Millis(5000)), 130) << waiter->stderr_text();
  EXPECT_THAT(waiter->stderr_text(), HasSubstr("stopped waiting for lock"));
  EXPECT_THAT(waiter->stdout_text(), Not(HasSubstr("stopping"))) << "it stopped nothing";
  holder->send_signal(SIGINT);
  EXPECT_EQ(holder->wait_exit(kDeadline), 130) << holder->stderr_text();
}

}  // namespace
}  // namespace bc::test
