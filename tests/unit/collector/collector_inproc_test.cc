// The collector in-process, on its seams: inproc:// endpoints, a FakeClock, fake supervisors
// (ROUTER sockets answering status, crashes, start and mark_failed) and the test as the
// bus. Time moves only when the test says so, so "after exactly the backoff" is exact:
// a crash is restarted after exactly RestartBackoffInitial; a lost manager `running` event
// costs one reconciliation, not the cluster's repairs; an install mid-backoff keeps the
// delay chosen, drops a removed node, cares for an added one and applies its new settings
// to the next crash. Host and bus liveness: a heartbeat waiting behind a flood of events is
// read before any verdict; a silent bus is one bus-down, hosts then judged by pings.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <zmq_addon.hpp>

#include "collector/collector.h"
#include "messages/codec.h"
#include "tests/unit/collector/test_util.h"

namespace bc::collector {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::TempDir;

constexpr char kHost1[] = "127.0.0.1";  // manager, proxy-1
constexpr char kHost2[] = "127.0.0.2";  // the workers

const char kClusterCfg[] =
    "BusSecurity = plain\nSendMail = 0\nHostTimeout = 100000\nRestartBackoffInitial = 2\n"
    "RestartBackoffJitter = 0\nCronInterval = 3600\nStatsLogInterval = 3600\n";

std::string node_cfg(const std::vector<std::string>& workers) {
  std::string text = std::string("[manager]\ntype=manager\nhost=") + kHost1 +
                     "\n[proxy-1]\ntype=proxy\nhost=" + kHost1 + "\n";
  for (const auto& w : workers)
    text += "[" + w + "]\ntype=worker\nhost=" + kHost2 + "\n";
  return text;
}

void write(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path) << text;
}

// A supervisor as the collector sees it: a ROUTER answering its requests from a node table.
class FakeSupervisor {
 public:
  struct Start {
    std::string node;
    SteadyClock::time_point at;
  };

  FakeSupervisor(zmq::context_t& ctx, const std::string& endpoint, const FakeClock& clock)
      : socket_(ctx, zmq::socket_type::router), clock_(clock) {
    socket_.bind(endpoint);
  }

  void set(const std::string& node, const std::string& state, const std::string& desired) {
    nodes_[node] = {state, desired};
  }
  // Answers every request waiting; `on_started` runs for each node started.
  void serve(const std::function<void(const std::string&)>& on_started) {
    for (;;) {
      std::vector<zmq::message_t> frames;
      const bool released = !hold_status && !held_.empty();
      if (released) {
        frames = std::move(held_.front());
        held_.erase(held_.begin());
      } else if (!zmq::recv_multipart(socket_, std::back_inserter(frames),
                                      zmq::recv_flags::dontwait)) {
        return;
      }
      auto request = msg::decode<msg::Request>(frames.back().to_string_view());
      if (!request.is_ok()) continue;
      if (!released) ++asked_[request->cmd];
      if (request->cmd == "watch_crashes") {  // held, as a real one holds it
        watch_after.push_back(request->args.get_int("after").value_or(0));
        continue;
      }
      if (request->cmd == "status" && hold_status) {
        held_.push_back(std::move(frames));
        continue;
      }
      msg::Value result = msg::Value::empty_map();
      std::string started;
      if (request->cmd == "status") {
        msg::Value list = msg::Value::empty_array();
        for (const auto& [name, n] : nodes_) {
          list.push_back(msg::Value::empty_map()
                             .set("name", name)
                             .set("state", n.first)
                             .set("desired", n.second)
                             .set("pid", std::int64_t{0})
                             .set("started_at", std::int64_t{0})
                             .set("as_of", clock_.wall_us()));
        }
        result.set("nodes", std::move(list));
      } else if (request->cmd == "crashes") {
        result.set("records", msg::Value::empty_array()).set("more", false);
      } else if (request->cmd == "start" || request->cmd == "mark_failed") {
        const msg::Value* names = request->args.find("nodes");
        const std::string node = names != nullptr && names->as_array() != nullptr &&
                                         !names->as_array()->empty() &&
                                         names->as_array()->front().as_string() != nullptr
                                     ? *names->as_array()->front().as_string()
                                     : std::string();
        if (request->cmd == "start") {
          starts.push_back({node, clock_.now()});
          nodes_[node] = {"running", "running"};
          started = node;
        } else {
          marked_failed.push_back(node);
          nodes_[node].first = "failed";
        }
      }
      const std::string body = msg::encode(msg::make_ok(request->id, std::move(result)));
      socket_.send(frames.front(), zmq::send_flags::sndmore);
      socket_.send(zmq::buffer(body));
      if (!started.empty()) on_started(started);
    }
  }
  std::size_t held() const { return held_.size(); }
  int asked(const std::string& cmd) const {
    auto it = asked_.find(cmd);
    return it == asked_.end() ? 0 : it->second;
  }
  std::vector<std::string> started_nodes() const {
    std::vector<std::string> out;
    for (const auto& s : starts)
      out.push_back(s.node);
    return out;
  }

  std::vector<Start> starts;
  std::vector<std::string> marked_failed;
  std::vector<std::int64_t> watch_after;  // each watch's `after` (0: none)
  bool hold_status = false;               // status requests wait (held()) until it is false again

 private:
  zmq::socket_t socket_;
  const FakeClock& clock_;
  std::map<std::string, std::pair<std::string, std::string>> nodes_;  // state, desired
  std::map<std::string, int> asked_;
  std::vector<std::vector<zmq::message_t>> held_;
};

class CollectorInproc : public ::testing::Test {
 protected:
  void SetUp() override {
    write(base_ / "etc/cluster.cfg", kClusterCfg);
    write(base_ / "etc/node.cfg", node_cfg({"worker-1", "worker-2"}));
  }

  // Writes an installed snapshot and points SpoolDir/installed/current at it.
  void install(const std::string& version, const std::string& cluster_cfg,
               const std::string& nodes) {
    const std::string root = base_ / "spool/installed";
    write(root + "/" + version + "/etc/cluster.cfg", cluster_cfg);
    write(root + "/" + version + "/etc/node.cfg", nodes);
    fs::create_symlink(version, root + "/.current-new");
    fs::rename(root + "/.current-new", root + "/current");
  }

  void start() {
    config::Diagnostics diags;
    config::LoadOptions load;
    load.base_dir = base_.path();
    cluster_ = config::load_cluster(load, diags);
    ASSERT_FALSE(diags.has_errors()) << diags.render_all();
    const std::string id = std::to_string(reinterpret_cast<std::uintptr_t>(this));
    CollectorOptions o = collector_options(cluster_);
    o.query_endpoint = "inproc://query-" + id;
    o.bus_in = "inproc://bus-in-" + id;
    o.bus_out = "inproc://bus-out-" + id;
    o.supervisors = {{kHost1, "inproc://sup1-" + id}, {kHost2, "inproc://sup2-" + id}};
    bus_in_.bind(o.bus_in);
    bus_out_.bind(o.bus_out);
    sup1_ = std::make_unique<FakeSupervisor>(ctx_, o.supervisors[kHost1], clock_);
    sup2_ = std::make_unique<FakeSupervisor>(ctx_, o.supervisors[kHost2], clock_);
    for (const auto& n : cluster_.nodes)
      sup(n.host).set(n.name, "running", "running");
    collector_ = std::make_unique<Collector>(ctx_, cluster_, o, clock_);
    ASSERT_TRUE(collector_->start().is_ok());
    // Meet on the subscription (XPUB hears it), and on the start-up reconciliation answered.
    ASSERT_TRUE(turn_until([&] {
      zmq::message_t m;
      if (bus_out_.recv(m, zmq::recv_flags::dontwait)) subscribed_ = true;
      return subscribed_ && sup1_->asked("status") > 0 && sup2_->asked("status") > 0;
    }));
    turns(3);
  }

  FakeSupervisor& sup(const std::string& host) { return host == kHost1 ? *sup1_ : *sup2_; }
  std::string host_of(const std::string& node) {
    return cluster_.find(node) != nullptr ? cluster_.find(node)->host : kHost2;
  }

  // A node_state event of `node`'s supervisor on the bus.
  void publish_state(const std::string& node, const std::string& state, const std::string& prev) {
    msg::NodeStateChange e;
    e.node = node;
    e.node_type = node == "manager" ? "manager" : node == "proxy-1" ? "proxy" : "worker";
    e.state = state;
    e.prev_state = prev;
    e.desired = "running";
    if (state == "crashed") e.signal = 9;
    const std::string host = host_of(node);
    msg::stamp(e, host, ++seq_[host], clock_.wall_us());
    sup(host).set(node, state, "running");
    const std::string body = msg::encode(e);
    bus_out_.send(zmq::buffer(msg::topic_for(e)), zmq::send_flags::sndmore);
    bus_out_.send(zmq::buffer(body));
  }

  void turn() {
    collector_->poll_once();
    for (FakeSupervisor* s : {sup1_.get(), sup2_.get()}) {
      s->serve([&](const std::string& node) {
        if (dropped_running_.count(node) == 0) publish_state(node, "running", "initializing");
      });
    }
    zmq::message_t m;
    while (bus_in_.recv(m, zmq::recv_flags::dontwait)) {
    }
  }
  void turns(int n) {
    for (int i = 0; i < n; ++i)
      turn();
  }
  // Turns the loop until `pred` holds; real time bounds it, fake time does not move.
  bool turn_until(const std::function<bool()>& pred) {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < deadline) {
      turn();
      if (pred()) return true;
    }
    return false;
  }

  TempDir base_;
  FakeClock clock_;
  zmq::context_t ctx_;
  zmq::socket_t bus_in_{ctx_, zmq::socket_type::sub};
  zmq::socket_t bus_out_{ctx_, zmq::socket_type::xpub};
  config::Cluster cluster_;
  std::unique_ptr<FakeSupervisor> sup1_, sup2_;
  std::unique_ptr<Collector> collector_;
  std::map<std::string, std::uint64_t> seq_;
  std::set<std::string> dropped_running_;
  bool subscribed_ = false;
};

TEST_F(CollectorInproc, ACrashIsRestartedAfterExactlyTheBackoff) {
  ASSERT_NO_FATAL_FAILURE(start());
  const auto crashed_at = clock_.now();
  publish_state("worker-1", "crashed", "running");
  turns(3);
  clock_.advance(1999ms);
  turns(3);
  EXPECT_TRUE(sup2_->starts.empty());
  clock_.advance(1ms);
  ASSERT_TRUE(turn_until([&] { return !sup2_->starts.empty(); }));
  EXPECT_EQ(sup2_->starts.front().node, "worker-1");
  EXPECT_EQ(sup2_->starts.front().at - crashed_at, 2000ms);
  turns(3);
  EXPECT_EQ(sup2_->starts.size(), 1u);
  EXPECT_TRUE(sup1_->starts.empty());
}

// Issue 15's "stuck waiting for the manager": the manager's `running` event is lost after
// its restart, so the collector still believes it down. Workers and proxies that crash
// meanwhile wait for it; the next reconciliation finds it running and repairs them all.
TEST_F(CollectorInproc, ALostManagerRunningEventIsRepairedByTheNextReconciliation) {
  ASSERT_NO_FATAL_FAILURE(start());
  dropped_running_.insert("manager");
  publish_state("manager", "crashed", "running");
  publish_state("worker-1", "crashed", "running");
  turns(3);
  clock_.advance(2000ms);
  ASSERT_TRUE(turn_until([&] { return !sup1_->starts.empty(); }));
  EXPECT_EQ(sup1_->started_nodes(), std::vector<std::string>{"manager"});
  turns(5);
  EXPECT_TRUE(sup2_->starts.empty()) << "worker-1 must wait for the manager";
  // A crash after the lost event waits too.
  publish_state("proxy-1", "crashed", "running");
  turns(3);
  clock_.advance(2000ms);
  turns(5);
  EXPECT_EQ(sup1_->started_nodes(), std::vector<std::string>{"manager"});
  EXPECT_TRUE(sup2_->starts.empty());
  // The next reconciliation (cron's) repairs everything.
  (void)collector_->run_cron(true);
  ASSERT_TRUE(turn_until([&] { return sup1_->starts.size() == 2 && sup2_->starts.size() == 1; }))
      << sup1_->starts.size() << " " << sup2_->starts.size();
  EXPECT_EQ(sup1_->started_nodes(), (std::vector<std::string>{"manager", "proxy-1"}));
  EXPECT_EQ(sup2_->started_nodes(), std::vector<std::string>{"worker-1"});
}

// The soak's case: a status asked, then events the supervisor published before it answered
// (a restarted supervisor's held re-adoption events) arrive, then the answer, which shows a
// crash whose own event was lost. The answer is the newer by the supervisor's clock and is
// taken: the node is restarted, not left to wait for the bus (before, anything that arrived
// after the question made the collector discard the answer).
TEST_F(CollectorInproc, AStatusAnswerNewerThanEventsThatArrivedBeforeItIsTaken) {
  ASSERT_NO_FATAL_FAILURE(start());
  sup1_->hold_status = true;
  const int asked = sup1_->asked("status");
  (void)collector_->run_cron(true);
  ASSERT_TRUE(turn_until([&] { return sup1_->held() == 1; }));
  EXPECT_EQ(sup1_->asked("status"), asked + 1);
  publish_state("manager", "running", "initializing");  // published before the answer
  turns(3);
  clock_.advance(1ms);
  sup1_->set("manager", "crashed", "running");  // its event lost
  sup1_->hold_status = false;
  turns(3);
  clock_.advance(2000ms);
  ASSERT_TRUE(turn_until([&] { return !sup1_->starts.empty(); }))
      << "the crash the answer told was discarded";
  EXPECT_EQ(sup1_->started_nodes(), std::vector<std::string>{"manager"});
}

// A watch asks only for crashes later than the newest event heard from that host, so that a
// restarted supervisor (or one between two watches) answers at once with a crash it had
// nobody to tell (crash_watchers.h).
TEST_F(CollectorInproc, EveryWatchNamesTheNewestEventHeardFromItsHost) {
  ASSERT_NO_FATAL_FAILURE(start());
  ASSERT_FALSE(sup2_->watch_after.empty());
  EXPECT_EQ(sup2_->watch_after.front(), 0) << "nothing heard yet: no `after`";
  clock_.advance(5ms);
  const std::int64_t heard = clock_.wall_us();
  publish_state("worker-1", "running", "initializing");
  turns(3);
  clock_.advance(2000ms);  // past the second in which a watch is not asked again
  const std::size_t watches = sup2_->watch_after.size();
  (void)collector_->run_cron(true);
  ASSERT_TRUE(turn_until([&] { return sup2_->watch_after.size() > watches; }));
  EXPECT_EQ(sup2_->watch_after.back(), heard);
}

// An install in the middle of a backoff: the delay already chosen stays, a removed node is
// not restarted, an added one is cared for, and the new settings apply to the next crash.
// The collector notices the new installed version by itself (no `reload`).
TEST_F(CollectorInproc, AnInstallMidBackoffIsFollowedWithoutARestartOfTheCollector) {
  install("v1", kClusterCfg, node_cfg({"worker-1", "worker-2"}));
  ASSERT_NO_FATAL_FAILURE(start());
  const auto crashed_at = clock_.now();
  publish_state("worker-1", "crashed", "running");
  publish_state("worker-2", "crashed", "running");
  turns(3);
  clock_.advance(1000ms);
  install("v2", std::string(kClusterCfg) + "RestartBackoffInitial-Worker = 5\n",
          node_cfg({"worker-1", "worker-3"}));
  sup2_->set("worker-3", "running", "running");
  const int asked = sup2_->asked("status");
  clock_.advance(1ms);  // the collector's look at installed/current is due
  ASSERT_TRUE(turn_until([&] { return sup2_->asked("status") > asked; }))
      << "no reconciliation after the install";
  turns(3);
  clock_.advance(999ms);
  ASSERT_TRUE(turn_until([&] { return !sup2_->starts.empty(); }));
  EXPECT_EQ(sup2_->starts.front().at - crashed_at, 2000ms) << "the chosen delay stays";
  turns(5);
  EXPECT_EQ(sup2_->started_nodes(), std::vector<std::string>{"worker-1"})
      << "worker-2 is no longer configured";
  // The next crashes use the new settings; worker-3 (added by the install) is cared for.
  const auto second = clock_.now();
  publish_state("worker-1", "crashed", "running");
  publish_state("worker-3", "crashed", "running");
  turns(3);
  clock_.advance(4999ms);
  turns(3);
  EXPECT_EQ(sup2_->starts.size(), 1u);
  clock_.advance(1ms);
  ASSERT_TRUE(turn_until([&] { return sup2_->starts.size() == 3; }));
  EXPECT_EQ(sup2_->starts[1].at - second, 5000ms);
  EXPECT_EQ(sup2_->started_nodes(), (std::vector<std::string>{"worker-1", "worker-1", "worker-3"}));
}

// A snapshot that does not load keeps the configuration in use, and says why (file:line).
TEST_F(CollectorInproc, AnInstalledConfigurationThatDoesNotLoadKeepsTheOneInUse) {
  install("v1", kClusterCfg, node_cfg({"worker-1", "worker-2"}));
  ASSERT_NO_FATAL_FAILURE(start());
  install("v2", kClusterCfg, node_cfg({"worker-1"}) + "[w9]\ntype=wroker\nhost=127.0.0.2\n");
  auto reloaded = collector_->reload_installed("test");
  ASSERT_FALSE(reloaded.is_ok());
  EXPECT_NE(reloaded.status().message().find("node.cfg:"), std::string::npos)
      << reloaded.status().message();
  EXPECT_NE(reloaded.status().message().find("wroker"), std::string::npos);
  // Still caring for worker-2 of v1.
  publish_state("worker-2", "crashed", "running");
  turns(3);
  clock_.advance(2000ms);
  ASSERT_TRUE(turn_until([&] { return !sup2_->starts.empty(); }));
  EXPECT_EQ(sup2_->started_nodes(), std::vector<std::string>{"worker-2"});
}

// ---- host and bus liveness (collector_liveness.cc)

const char kLivenessCfg[] =
    "BusSecurity = plain\nSendMail = 0\nHostTimeout = 3\nHeartbeatInterval = 1\n"
    "CronInterval = 3600\nStatsLogInterval = 3600\n";

class CollectorLiveness : public CollectorInproc {
 protected:
  void SetUp() override {
    CollectorInproc::SetUp();
    write(base_ / "etc/cluster.cfg", kLivenessCfg);
  }

  // A heartbeat on the bus: a supervisor's numbers with its host's events, the broker's
  // are its own.
  void heartbeat(const std::string& host, const std::string& role) {
    msg::Heartbeat hb;
    hb.role = role;
    hb.pid = 1;
    hb.interval_ms = 1000;
    msg::stamp(hb, host, ++seq_[role == "supervisor" ? host : role + host], clock_.wall_us());
    send(msg::topic_for(hb), msg::encode(hb));
  }
  void stats(const std::string& node) {
    msg::NodeStats s;
    s.node = node;
    s.node_type = "worker";
    msg::stamp(s, host_of(node), ++seq_[host_of(node)], clock_.wall_us());
    send(msg::topic_for(s), msg::encode(s));
  }
  void send(const std::string& topic, const std::string& body) {
    bus_out_.send(zmq::buffer(topic), zmq::send_flags::sndmore);
    bus_out_.send(zmq::buffer(body));
  }
  // Time passes in 100 ms steps, the loop turning at each; every whole second the broker
  // and the `beating` hosts' supervisors send their heartbeats (`bus`: anything at all).
  void run_for(std::chrono::milliseconds d, const std::vector<std::string>& beating,
               bool bus = true, bool answer = true) {
    for (auto t = 0ms; t < d; t += 100ms) {
      clock_.advance(100ms);
      if (bus && (clock_.now().time_since_epoch() / 100ms) % 10 == 0) {
        heartbeat(kHost1, "broker");
        for (const auto& h : beating)
          heartbeat(h, "supervisor");
      }
      if (answer) {
        turn();
      } else {  // the supervisors do not answer either
        collector_->poll_once();
      }
    }
  }
  std::size_t actions(const std::string& what) {
    const std::string log = testing::slurp(base_ / "spool/stats.log");
    std::size_t n = 0;
    for (auto at = log.find(what); at != std::string::npos; at = log.find(what, at + 1))
      ++n;
    return n;
  }
};

// Issue 15: heartbeats queued behind thousands of events (a start of 1000 nodes) looked like
// silent hosts. The collector reads what waits on its sockets before any verdict.
TEST_F(CollectorLiveness, AHeartbeatBehindAFloodOfEventsIsReadBeforeAnyVerdict) {
  ASSERT_NO_FATAL_FAILURE(start());
  run_for(3000ms, {kHost1, kHost2});
  // Host2's next heartbeat is late, and then comes behind 600 events (a loop turn reads 256).
  run_for(2900ms, {kHost1});
  for (int i = 0; i < 600; ++i)
    stats("worker-1");
  heartbeat(kHost2, "supervisor");
  clock_.advance(200ms);  // host2's last heartbeat read is 3.1 s old: over HostTimeout
  collector_->poll_once();
  EXPECT_EQ(actions("action=host-down"), 0u);
  run_for(2000ms, {kHost1, kHost2});
  EXPECT_EQ(actions("action=host-down"), 0u);
  // A host really silent is still declared down, once.
  run_for(4000ms, {kHost1});
  EXPECT_EQ(actions(std::string(kHost2) + " - action=host-down"), 1u);
  EXPECT_EQ(actions("action=host-down"), 1u);
}

// The collector itself stalled (SIGSTOP, a starved CPU): its silence is not the hosts'.
TEST_F(CollectorLiveness, ACollectorLateByMoreThanHostTimeoutJudgesNoHostByIt) {
  ASSERT_NO_FATAL_FAILURE(start());
  run_for(2000ms, {kHost1, kHost2});
  clock_.advance(6000ms);  // no loop turn for 6 s
  // Its first turn after: what was sent meanwhile is not in its sockets yet (it comes
  // through the broker and its I/O thread, stopped with it).
  collector_->poll_once();
  heartbeat(kHost1, "broker");
  heartbeat(kHost1, "supervisor");
  heartbeat(kHost2, "supervisor");
  turns(3);
  run_for(5000ms, {kHost1, kHost2});
  EXPECT_EQ(actions("action=host-down"), 0u);
  EXPECT_EQ(actions("action=bus-down"), 0u);
}

// The broker gone: one bus-down, the hosts asked directly (and up while they answer), one
// bus-up when the bus carries anything again.
TEST_F(CollectorLiveness, ASilentBusIsOneBusDownAndHostsAreJudgedByPings) {
  ASSERT_NO_FATAL_FAILURE(start());
  run_for(2000ms, {kHost1, kHost2});
  const int pings_before = sup2_->asked("ping");
  run_for(6000ms, {}, false);
  EXPECT_EQ(actions("action=bus-down"), 1u);
  EXPECT_EQ(actions("action=host-down"), 0u);
  EXPECT_GE(sup2_->asked("ping") - pings_before, 3);
  // Now the supervisors do not answer either: hosts are down, judged by their silence.
  run_for(3500ms, {}, false, false);
  EXPECT_EQ(actions("action=host-down"), 2u);
  // The bus back: one bus-up, and the hosts up again with their heartbeats.
  run_for(2000ms, {kHost1, kHost2});
  EXPECT_EQ(actions("action=bus-up"), 1u);
  EXPECT_EQ(actions("action=host-up"), 2u);
  EXPECT_EQ(actions("action=bus-down"), 1u);
}

}  // namespace
}  // namespace bc::collector
