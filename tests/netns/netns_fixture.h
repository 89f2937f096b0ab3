#pragma once
// The fixture of the network-namespace fault suite (issue 9): one NetnsCluster per test,
// the bus tap inside host1, the shell as a user runs it, and the checks every scenario
// ends with — each node whose desired state is running runs exactly once, inside its own
// host's namespace, with the pid `status` shows. Skips when namespaces cannot be made
// (not root); on failure prints the bus history and the daemons' logs.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "tests/netns/netns_cluster.h"

namespace bc::test {

// Deadline of a wait for what should happen promptly (only a failing test waits this long;
// generous because the ASan build on two busy cores is slow).
inline constexpr Millis kWait{20000};
using SteadyClock = std::chrono::steady_clock;

class NetnsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    if (!netns_available(&why)) GTEST_SKIP() << why;
  }
  void TearDown() override {
    if (HasFailure() && cluster_) {
      if (tap_) std::cerr << "---- bus history\n" << tap_->history();
      std::cerr << cluster_->logs();
    }
  }

  // Builds and starts the cluster (daemons serving, tap subscribed); nodes not started.
  void start(NetnsOptions options = {}) {
    cluster_ = std::make_unique<NetnsCluster>(std::move(options));
    const Status s = cluster_->start();
    ASSERT_TRUE(s.is_ok()) << s.message() << "\n" << cluster_->logs();
    tap_ = std::make_unique<BusTap>(*cluster_);
    ASSERT_TRUE(tap_->ready(kWait)) << "tap never saw a heartbeat";
  }
  // `brocluster start`, every node up.
  void start_nodes() {
    const auto r = shell({"start"}, Millis(60000));
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    ASSERT_NO_FATAL_FAILURE(expect_running_once(c().nodes()));
  }

  ProcessResult shell(const std::vector<std::string>& args, Millis timeout = Millis(30000)) {
    auto r = cluster_->shell(args, timeout);
    EXPECT_FALSE(r.timed_out) << "brocluster " << args.front() << " hung";
    return r;
  }

  // Each of `nodes` runs exactly once on the whole machine, inside its host's namespace.
  void expect_running_once(const std::vector<std::string>& nodes) {
    for (const auto& n : nodes) {
      EXPECT_EQ(c().node_pids(n).size(), 1u) << n;
      EXPECT_EQ(c().node_pids_anywhere(n).size(), 1u) << n;
    }
  }
  // The pid of each node (0 when not exactly one).
  std::map<std::string, pid_t> pids() {
    std::map<std::string, pid_t> out;
    for (const auto& n : c().nodes()) {
      const auto p = c().node_pids(n);
      out[n] = p.size() == 1 ? p[0] : 0;
    }
    return out;
  }
  // Polls `status` until every node shows running with the pid found in its namespace
  // (exit 0), or the deadline; the last output.
  bool status_all_running(Millis timeout, std::string* last = nullptr) {
    return poll_until(
        [&] {
          const auto r = cluster_->shell({"status"}, Millis(30000));
          if (last) *last = r.out + r.err;
          if (r.exit_code != 0) return false;
          auto rows = status_rows(r.out);
          for (const auto& n : c().nodes()) {
            const auto p = c().node_pids(n);
            if (p.size() != 1 || rows[n].size() < 5 || rows[n][3] != "running" ||
                rows[n][4] != std::to_string(p[0])) {
              return false;
            }
          }
          return true;
        },
        timeout, Millis(100));
  }
  // Waits until `node` runs exactly once again, with a pid other than `old`.
  bool runs_again(const std::string& node, pid_t old, Millis timeout = kWait) {
    return poll_until(
        [&] {
          const auto p = c().node_pids(node);
          return p.size() == 1 && p[0] != old;
        },
        timeout, Millis(5));
  }
  // Waits until the mails hold `needle`.
  bool mailed(const std::string& needle, Millis timeout = kWait) {
    return poll_until([&] { return c().mails().find(needle) != std::string::npos; }, timeout,
                      Millis(50));
  }

  NetnsCluster& c() { return *cluster_; }
  BusTap& tap() { return *tap_; }

  std::unique_ptr<NetnsCluster> cluster_;
  std::unique_ptr<BusTap> tap_;
};

inline std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

}  // namespace bc::test
