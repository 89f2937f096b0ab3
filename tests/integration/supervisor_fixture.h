#pragma once
// The fixture of the supervisor integration tests: one SimCluster per test (a broker and
// a supervisor per simulated host, started as real processes) with its in-process tap on
// the bus, a client per call site, and the waits the scenarios share. On failure the
// daemons' logs are printed.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/cluster_harness.h"

namespace bc::test {

// Deadline of every wait for something that should happen promptly; only a failing test
// waits this long.
inline constexpr Millis kWait{10000};

inline std::int64_t wall_now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The cluster.cfg timings of the supervisor tests, shorter than SimCluster's defaults
// (CommTimeout is the option's default), with the tap the tests watch the bus through.
inline SimOptions supervisor_options() {
  SimOptions o;
  o.comm_timeout = 5;
  o.heartbeat = 0.1;
  o.ready_grace = 0.3;
  o.stop_timeout = 1.0;
  o.start_timeout = 10.0;
  o.stats = 0.5;
  o.event_tap = true;
  return o;
}

class SupervisorTest : public ::testing::Test {
 protected:
  using Setup = std::function<void(SimCluster&, SimHost&)>;

  // One host (127.0.0.2) running a manager, proxy-1 and worker-1..worker-<workers>, each
  // worker with `worker_lines` in node.cfg; `setup` may add hosts and nodes instead.
  // `settings` default to supervisor_options(); the tap is always on.
  void start(int workers, std::optional<SimOptions> settings = {},
             const std::vector<std::string>& worker_lines = {}, const Setup& setup = {}) {
    SimOptions options = settings.value_or(supervisor_options());
    options.event_tap = true;
    cluster_ = std::make_unique<SimCluster>(std::move(options));
    host_ = &cluster_->add_host();
    if (setup) {
      setup(*cluster_, *host_);
    } else {
      cluster_->add_standard_nodes(*host_, workers, worker_lines);
    }
    const Status s = cluster_->start();
    ASSERT_TRUE(s.is_ok()) << s.message();
  }

  void TearDown() override {
    if (HasFailure() && cluster_) {
      if (cluster_->has_tap()) std::cerr << "---- bus history\n" << cluster_->tap().history();
      std::cerr << cluster_->logs();
    }
  }

  SimCluster& cluster() { return *cluster_; }
  SimHost& host() { return *host_; }
  const std::string& h() const { return host_->name(); }
  EventTap& tap() { return cluster_->tap(); }
  Client client() { return cluster_->client(*host_); }

  // The states `node` went through on the bus since the last skip(), once `last` is among
  // them (or the deadline passed).
  std::vector<std::string> states_of(const std::string& node, const std::string& last) {
    (void)tap().wait_for(node_state(h(), node, last), kWait);
    std::vector<std::string> out;
    for (const auto& e : tap().all(any_node_state(h(), node)))
      out.push_back(e.state->state);
    return out;
  }

  // A heartbeat of `host` published after this call: every event the supervisor published
  // before it (all that a request answered by now caused) has then arrived.
  std::optional<BusEvent> fresh_heartbeat(const SimHost& host) {
    const std::int64_t now = wall_now_us();
    auto pred = heartbeat_from(host.name());
    return tap().wait_for([&](const BusEvent& e) { return pred(e) && e.heartbeat->env.ts > now; },
                          kWait);
  }
  void sync_bus(const SimHost& host) {
    ASSERT_TRUE(fresh_heartbeat(host)) << "no heartbeat from " << host.name();
  }
  void sync_bus() { sync_bus(*host_); }
  // Lets the events of what happened so far arrive, then forgets them.
  void settle() {
    ASSERT_NO_FATAL_FAILURE(sync_bus());
    tap().skip();
  }

  // Waits (on the supervisor's heartbeats, not a sleep) until `seconds` have passed since t0.
  void wait_on_bus_until(std::chrono::steady_clock::time_point t0, double seconds) {
    const auto deadline = t0 + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                   std::chrono::duration<double>(seconds));
    auto pred = heartbeat_from(h());
    ASSERT_TRUE(tap().wait_for([&](const BusEvent& e) { return pred(e) && e.received >= deadline; },
                               kWait));
  }

  std::int64_t pid_of(const msg::Value& entry) { return int_field(entry, "pid"); }

  std::unique_ptr<SimCluster> cluster_;
  SimHost* host_ = nullptr;
};

}  // namespace bc::test
