// Scenario 8 of issue 9: a soak of random faults on the namespace cluster (lb_procs
// workers), the invariants checked after each one:
//   - every node whose desired state is running runs exactly once (on the whole machine,
//     inside its host's namespace) and `status` shows it running with that pid;
//   - every crash we caused has its crash record on the node's host (and no other crash
//     happened; the supervisor keeps a node's newest 20);
//   - the daemons leak nothing: no process in a host's namespace but its daemons, its
//     nodes and our tap; no child of a daemon that is not one of its nodes (zombies
//     included); no daemon's open file descriptors grow past what it had when first seen.
// The short form runs ~45 s; BROCLUSTER_SOAK_SECONDS=600 gives the long one. The seed is
// printed (BROCLUSTER_SOAK_SEED repeats a run). Times per fault kind are printed as
// RELIABILITY lines, the whole run as a SOAK line.

#include <signal.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <random>
#include <set>
#include <thread>

#include "supervisor/crash_recorder.h"
#include "tests/netns/netns_fixture.h"

namespace bc::test {
namespace {

namespace fs = std::filesystem;

struct Times {
  double detect_ms = -1;
  double repair_ms = -1;
};

long env_number(const char* name, long fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::strtol(v, nullptr, 10) : fallback;
}

std::size_t fd_count(pid_t pid) {
  std::size_t n = 0;
  std::error_code ec;
  for (auto it = fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec);
       !ec && it != fs::directory_iterator(); it.increment(ec)) {
    ++n;
  }
  return n;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5)];
}

class NetnsSoak : public NetnsTest {
 protected:
  // ---- faults; each returns once repaired (or fails the test)

  Times kill_node(const std::string& node) {
    const pid_t old = c().node_pids(node).at(0);
    tap().mark();
    const auto t0 = SteadyClock::now();
    EXPECT_EQ(kill(old, SIGKILL), 0);
    ++crashes_[node];
    const auto crashed = tap().wait(node_state_is(node, "crashed"), kWait);
    EXPECT_TRUE(crashed) << "kill -9 " << node << "\n" << tap().history();
    const auto back = tap().wait(
        [&](const Json& j) {
          return node_state_is(node, "running")(j) && j["pid"].integer() != old;
        },
        kWait);
    EXPECT_TRUE(back) << node << " not restarted\n" << tap().history();
    if (!crashed || !back) return {};
    return {ms_between(t0, crashed->at), ms_between(t0, back->at)};
  }

  Times kill_supervisor(int host) {
    tap().mark();
    const auto t0 = SteadyClock::now();
    EXPECT_TRUE(c().kill_supervisor(host, SIGKILL).is_ok());
    const auto down = tap().wait(alert_is("host-down", c().address(host)), kWait);
    EXPECT_TRUE(down) << "host" << host + 1 << "\n" << tap().history();
    const auto t1 = SteadyClock::now();
    const Status s = c().start_supervisor(host);
    EXPECT_TRUE(s.is_ok()) << s.message();
    const auto up = tap().wait(alert_is("host-up", c().address(host)), kWait);
    EXPECT_TRUE(up) << "host" << host + 1 << "\n" << tap().history();
    if (!down || !up) return {};
    return {ms_between(t0, down->at), ms_between(t1, up->at)};
  }

  Times kill_broker() {
    const auto t0 = SteadyClock::now();
    EXPECT_TRUE(c().kill_broker(SIGKILL).is_ok());
    const Status s = c().start_broker();
    EXPECT_TRUE(s.is_ok()) << s.message();
    tap().mark();
    for (int h = 0; h < NetnsCluster::kHosts; ++h)
      EXPECT_TRUE(tap().wait(heartbeat_of("supervisor", c().address(h)), kWait)) << h;
    const auto back = tap().wait(heartbeat_of("collector"), kWait);
    EXPECT_TRUE(back);
    return {-1, back ? ms_between(t0, back->at) : -1};
  }

  // The collector down, optionally a node crashing meanwhile, the collector back.
  Times kill_collector(const std::string& crash_node) {
    tap().mark();
    EXPECT_TRUE(c().kill_collector(SIGKILL).is_ok());
    if (!crash_node.empty()) {
      EXPECT_EQ(kill(c().node_pids(crash_node).at(0), SIGKILL), 0);
      ++crashes_[crash_node];
      EXPECT_TRUE(tap().wait(node_state_is(crash_node, "crashed"), kWait)) << tap().history();
    }
    const auto t1 = SteadyClock::now();
    const Status s = c().start_collector();
    EXPECT_TRUE(s.is_ok()) << s.message();
    const auto back = crash_node.empty() ? tap().wait(heartbeat_of("collector"), kWait)
                                         : tap().wait(node_state_is(crash_node, "running"), kWait);
    EXPECT_TRUE(back) << tap().history();
    return {-1, back ? ms_between(t1, back->at) : -1};
  }

  // The broker stopped (SIGSTOP: connections open, nothing moves) for twice HostTimeout, a
  // node crashing meanwhile: one bus-down and one bus-up mail, the node repaired without
  // the broker (found by its pid: the tap hears nothing either).
  Times stop_broker(const std::string& crash_node) {
    const std::size_t downs = count_of(c().mails(), "Subject: [Bro] event bus down");
    const auto t0 = SteadyClock::now();
    EXPECT_EQ(kill(c().broker_pid(), SIGSTOP), 0);
    EXPECT_TRUE(
        poll_until([&] { return count_of(c().mails(), "Subject: [Bro] event bus down") > downs; },
                   kWait, Millis(50)))
        << c().mails();
    const pid_t old = c().node_pids(crash_node).at(0);
    const auto t1 = SteadyClock::now();
    EXPECT_EQ(kill(old, SIGKILL), 0);
    ++crashes_[crash_node];
    const bool repaired = runs_again(crash_node, old);
    EXPECT_TRUE(repaired) << crash_node << " not restarted while the broker was stopped";
    const double repair = ms_between(t1, SteadyClock::now());
    const auto left = 2 * kHostTimeout - (SteadyClock::now() - t0);
    if (left > Millis(0)) std::this_thread::sleep_for(left);  // the fault's length
    EXPECT_EQ(kill(c().broker_pid(), SIGCONT), 0);
    EXPECT_TRUE(
        poll_until([&] { return count_of(c().mails(), "Subject: [Bro] event bus up") > downs; },
                   kWait, Millis(50)))
        << c().mails();
    return {-1, repaired ? repair : -1};
  }

  // Events lost: the broker killed, the manager crashing meanwhile (its `running` is never
  // published on a bus), then another node crashing: repaired at once all the same (the
  // supervisors' answers tell the collector what the bus could not), the broker back.
  Times lose_events(const std::string& crash_node) {
    EXPECT_TRUE(c().kill_broker(SIGKILL).is_ok());
    const pid_t manager = c().node_pids("manager").at(0);
    EXPECT_EQ(kill(manager, SIGKILL), 0);
    ++crashes_["manager"];
    EXPECT_TRUE(runs_again("manager", manager))
        << "manager not restarted while the broker was down";
    const pid_t old = c().node_pids(crash_node).at(0);
    const auto t1 = SteadyClock::now();
    EXPECT_EQ(kill(old, SIGKILL), 0);
    ++crashes_[crash_node];
    const bool repaired = runs_again(crash_node, old);
    EXPECT_TRUE(repaired) << crash_node << " not restarted after the manager's lost events";
    const double repair = ms_between(t1, SteadyClock::now());
    const Status s = c().start_broker();
    EXPECT_TRUE(s.is_ok()) << s.message();
    tap().mark();
    for (int h = 0; h < NetnsCluster::kHosts; ++h)
      EXPECT_TRUE(tap().wait(heartbeat_of("supervisor", c().address(h)), kWait)) << h;
    return {-1, repaired ? repair : -1};
  }

  // The collector stopped for twice HostTimeout, then continued: "collector was late".
  Times stop_collector() {
    const std::string log = c().spool(0) + "/collector.log";
    const std::size_t lates = count_of(file_text(log), "collector was late");
    EXPECT_EQ(kill(c().collector_pid(), SIGSTOP), 0);
    std::this_thread::sleep_for(2 * kHostTimeout);  // the fault's length
    const auto t1 = SteadyClock::now();
    EXPECT_EQ(kill(c().collector_pid(), SIGCONT), 0);
    tap().mark();
    const auto back = tap().wait(heartbeat_of("collector"), kWait);
    EXPECT_TRUE(back) << tap().history();
    EXPECT_TRUE(
        poll_until([&] { return count_of(file_text(log), "collector was late") > lates; }, kWait));
    return {-1, back ? ms_between(t1, back->at) : -1};
  }

  Times cut_link(int host) {
    tap().mark();
    const auto t0 = SteadyClock::now();
    EXPECT_TRUE(c().link_down(host).is_ok());
    const auto down = tap().wait(alert_is("host-down", c().address(host)), kWait);
    EXPECT_TRUE(down) << "host" << host + 1 << "\n" << tap().history();
    const auto t1 = SteadyClock::now();
    EXPECT_TRUE(c().link_up(host).is_ok());
    const auto up = tap().wait(alert_is("host-up", c().address(host)), Millis(60000));
    EXPECT_TRUE(up) << "host" << host + 1 << "\n" << tap().history();
    if (!down || !up) return {};
    return {ms_between(t0, down->at), ms_between(t1, up->at)};
  }

  // ---- invariants

  // The processes a host's namespace should hold: its daemons, its nodes, our tap.
  std::set<pid_t> expected_in(int host) {
    std::set<pid_t> out = {c().supervisor_pid(host)};
    if (host == 0) out.insert({c().broker_pid(), c().collector_pid(), tap().pid()});
    for (const auto& n : c().nodes()) {
      if (c().host_of(n) != host) continue;
      for (pid_t p : c().node_pids(n))
        out.insert(p);
    }
    return out;
  }

  std::vector<pid_t> daemons() {
    std::vector<pid_t> out = {c().broker_pid(), c().collector_pid()};
    for (int h = 0; h < NetnsCluster::kHosts; ++h)
      out.push_back(c().supervisor_pid(h));
    return out;
  }

  // No stray process in any namespace, no child of a daemon but its nodes. Transient
  // helpers (the collector's sendmail, an exec) may still be finishing: polled.
  bool no_stray_processes(std::string* what) {
    for (int h = 0; h < NetnsCluster::kHosts; ++h) {
      const auto expected = expected_in(h);
      for (pid_t p : c().net().pids(h)) {
        if (!expected.count(p)) {
          *what = "host" + std::to_string(h + 1) + ": stray process " + std::to_string(p) + " " +
                  file_text("/proc/" + std::to_string(p) + "/cmdline");
          return false;
        }
      }
      if (expected.size() != c().net().pids(h).size()) {
        *what = "host" + std::to_string(h + 1) + ": a daemon or node is missing";
        return false;
      }
    }
    std::set<pid_t> node_pids;
    for (const auto& n : c().nodes()) {
      for (pid_t p : c().node_pids(n))
        node_pids.insert(p);
    }
    for (pid_t d : daemons()) {
      for (pid_t child : children_of(d)) {
        if (!node_pids.count(child)) {
          *what = "daemon " + std::to_string(d) + " has child " + std::to_string(child) +
                  " that is no node (zombie?) " +
                  file_text("/proc/" + std::to_string(child) + "/stat");
          return false;
        }
      }
    }
    return true;
  }

  void check_invariants(const std::string& after) {
    SCOPED_TRACE("after " + after);
    std::string last;
    EXPECT_TRUE(status_all_running(kWait, &last)) << last;
    for (const auto& n : c().nodes()) {
      EXPECT_EQ(c().node_pids(n).size(), 1u) << n;
      EXPECT_EQ(c().node_pids_anywhere(n).size(), 1u) << n << " runs twice";
    }
    for (const auto& n : c().nodes()) {
      // The supervisor keeps the newest kKeepPerNode records of a node.
      const std::size_t want =
          std::min<std::size_t>(crashes_[n], static_cast<std::size_t>(sup::kKeepPerNode));
      EXPECT_TRUE(poll_until([&] { return c().crash_records(n).size() == want; }, kWait))
          << n << ": " << c().crash_records(n).size() << " crash records for " << want
          << " crashes";
    }
    std::string stray;
    EXPECT_TRUE(poll_until([&] { return no_stray_processes(&stray); }, kWait)) << stray;
    // Host-down mails only for the faults that silence a host: a stalled collector or a
    // bus outage raises none.
    EXPECT_TRUE(poll_until(
        [&] { return count_of(c().mails(), "Subject: [Bro] host down") == host_faults_; },
        Millis(2000)))
        << count_of(c().mails(), "Subject: [Bro] host down") << " host-down mails for "
        << host_faults_ << " host faults";
    for (pid_t d : daemons()) {
      const std::size_t fds = fd_count(d);
      auto [it, first] = fds_.emplace(d, fds);
      if (!first)
        max_growth_ =
            std::max<long>(max_growth_, static_cast<long>(fds) - static_cast<long>(it->second));
      EXPECT_LE(fds, it->second + kFdSlack)
          << "daemon " << d << " (" << file_text("/proc/" + std::to_string(d) + "/comm") << ") had "
          << it->second << " fds when first seen, now " << fds;
    }
    ++checks_;
  }

  static constexpr std::size_t kFdSlack = 8;
  static constexpr Millis kHostTimeout{2000};  // NetnsOptions' default
  std::size_t host_faults_ = 0;  // supervisors killed and links cut: one host-down mail each
  std::map<std::string, std::size_t> crashes_;
  std::map<pid_t, std::size_t> fds_;
  long max_growth_ = 0;
  int checks_ = 0;
};

TEST_F(NetnsSoak, RandomFaultsKeepEveryInvariant) {
  const long seconds = env_number("BROCLUSTER_SOAK_SECONDS", 45);
  const auto seed =
      static_cast<unsigned>(env_number("BROCLUSTER_SOAK_SEED", std::random_device{}()));
  std::cout << "soak: " << seconds << " s, seed " << seed
            << " (repeat with BROCLUSTER_SOAK_SEED=" << seed << ")" << std::endl;
  std::mt19937 rng(seed);
  NetnsOptions o;
  o.lb_procs = 2;
  o.extra = {"RestartStormCount = 100000", "RestartStableTime = 1", "RestartBackoffMax = 0.5"};
  ASSERT_NO_FATAL_FAILURE(start(o));
  ASSERT_NO_FATAL_FAILURE(start_nodes());
  ASSERT_NO_FATAL_FAILURE(check_invariants("start"));

  struct Kind {
    std::string name;
    int weight;
    std::function<Times()> run;
  };
  const auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
  const auto any_node = [&] {
    return c().nodes().at(static_cast<std::size_t>(pick(static_cast<int>(c().nodes().size()))));
  };
  std::vector<Kind> kinds = {
      {"kill -9 node", 35, [&] { return kill_node(any_node()); }},
      {"kill -9 supervisor (restarted)", 15,
       [&] {
         ++host_faults_;
         return kill_supervisor(pick(4));
       }},
      {"kill -9 broker (restarted)", 10, [&] { return kill_broker(); }},
      {"kill -9 collector (restarted)", 5, [&] { return kill_collector(""); }},
      {"kill -9 collector, node crash meanwhile", 10, [&] { return kill_collector(any_node()); }},
      {"link down host2-4 (up after detection)", 25,
       [&] {
         ++host_faults_;
         return cut_link(1 + pick(3));
       }},
      {"broker stopped 2 x HostTimeout, node crash meanwhile", 8,
       [&] { return stop_broker(any_node()); }},
      {"collector stopped 2 x HostTimeout", 5, [&] { return stop_collector(); }},
      {"broker killed, manager and a node crash meanwhile (events lost)", 6,
       [&] {
         std::string node = any_node();
         while (node == "manager")
           node = any_node();
         return lose_events(node);
       }},
  };
  int total_weight = 0;
  for (const auto& k : kinds)
    total_weight += k.weight;
  std::map<std::string, std::pair<std::vector<double>, std::vector<double>>> times;
  const auto t_start = SteadyClock::now();
  int faults = 0;
  while (ms_between(t_start, SteadyClock::now()) < static_cast<double>(seconds) * 1000) {
    int w = pick(total_weight);
    std::size_t k = 0;
    while (w >= kinds[k].weight)
      w -= kinds[k++].weight;
    const Times t = kinds[k].run();
    ++faults;
    if (t.detect_ms >= 0) times[kinds[k].name].first.push_back(t.detect_ms);
    if (t.repair_ms >= 0) times[kinds[k].name].second.push_back(t.repair_ms);
    ASSERT_NO_FATAL_FAILURE(
        check_invariants(kinds[k].name + " (fault " + std::to_string(faults) + ")"));
    if (HasFailure()) break;
  }
  const double took = ms_between(t_start, SteadyClock::now()) / 1000;
  for (const auto& [name, v] : times) {
    const std::string n = std::to_string(std::max(v.first.size(), v.second.size()));
    report_times("8-soak", "soak: " + name + " (median of " + n + ")", percentile(v.first, 0.5),
                 percentile(v.second, 0.5));
    report_times("8-soak", "soak: " + name + " (max of " + n + ")", percentile(v.first, 1.0),
                 percentile(v.second, 1.0));
  }
  std::size_t crashes = 0;
  for (const auto& [n, k] : crashes_)
    crashes += k;
  std::cout << "SOAK {\"seconds\":" << took << ",\"seed\":" << seed << ",\"faults\":" << faults
            << ",\"node_crashes\":" << crashes << ",\"invariant_checks\":" << checks_
            << ",\"max_fd_growth\":" << max_growth_
            << ",\"ok\":" << (HasFailure() ? "false" : "true") << "}" << std::endl;
  EXPECT_GE(faults, 5);
}

}  // namespace
}  // namespace bc::test
