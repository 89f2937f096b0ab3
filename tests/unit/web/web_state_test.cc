// brocluster-web's picture of the cluster from events, what /metrics makes of it, the
// event ring behind Last-Event-ID, stats.log history and the Zeek scrape targets.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "messages/codec.h"
#include "tests/support/http_client.h"
#include "web/cluster_state.h"
#include "web/event_ring.h"
#include "web/metrics.h"
#include "web/service_discovery.h"
#include "web/stats_history.h"

namespace bc::web {
namespace {

using test::metric_value;
using ::testing::HasSubstr;

constexpr std::int64_t kT0 = 1'800'000'000'000'000;

class Feed {
 public:
  explicit Feed(ClusterState& s) : s_(s) {}
  ClusterState::Outcome state(const std::string& node, const std::string& prev,
                              const std::string& st, std::int64_t ts, std::int64_t pid = 10) {
    msg::NodeStateChange e;
    msg::stamp(e, "h1", ++seq_, ts);
    e.node = node;
    e.node_type = "worker";
    e.prev_state = prev;
    e.state = st;
    e.desired = "running";
    e.pid = st == "crashed" ? 0 : pid;
    return s_.apply_event("node.h1." + node, msg::encode(e));
  }
  ClusterState::Outcome stats(const std::string& node, std::int64_t pid, double user,
                              std::uint64_t received) {
    msg::NodeStats e;
    msg::stamp(e, "h1", ++seq_, kT0);
    e.node = node;
    e.node_type = "worker";
    e.pid = pid;
    e.cpu_user_s = user;
    e.cpu_system_s = 0.5;
    e.packets_received = received;
    return s_.apply_event("stats.h1." + node, msg::encode(e));
  }
  void skip() { ++seq_; }
  std::uint64_t seq() const { return seq_; }

 private:
  ClusterState& s_;
  std::uint64_t seq_ = 0;
};

std::string series(const std::string& name, const std::string& extra = {}) {
  return name + "{host=\"h1\",node=\"worker-1\",node_type=\"worker\"" + extra + "}";
}

TEST(WebState, ACrashAndItsRestartAreCountedAndTimed) {
  ClusterState s;
  Feed f(s);
  f.state("worker-1", "stopped", "initializing", kT0);
  f.state("worker-1", "initializing", "running", kT0 + 1000);
  f.state("worker-1", "running", "crashed", kT0 + 2'000'000);
  f.state("worker-1", "crashed", "initializing", kT0 + 2'001'000, 11);
  f.state("worker-1", "initializing", "running", kT0 + 2'003'000, 11);
  const NodeView& n = s.nodes().at("worker-1");
  EXPECT_EQ(n.crashes, 1u);
  EXPECT_EQ(n.restarts, 1u);
  EXPECT_EQ(n.state, "running");
  EXPECT_EQ(s.restart_durations().count, 1u);
  EXPECT_NEAR(s.restart_durations().sum, 0.003, 1e-9);

  const std::string text = render_metrics(s, {});
  EXPECT_EQ(metric_value(text, series("brocluster_node_crashes_total")), 1.0);
  EXPECT_EQ(metric_value(text, series("brocluster_node_restarts_total")), 1.0);
  EXPECT_EQ(metric_value(text, series("brocluster_node_state", ",state=\"running\"")), 1.0);
  EXPECT_EQ(metric_value(text, series("brocluster_node_state", ",state=\"crashed\"")), 0.0);
  EXPECT_EQ(metric_value(text, series("brocluster_node_last_crash_timestamp_seconds")),
            1800000002.0);
  // 3 ms: above the 2.5 ms bucket, within 5 ms; buckets are cumulative.
  EXPECT_EQ(metric_value(text, "brocluster_restart_duration_seconds_bucket{le=\"0.0025\"}"), 0.0);
  EXPECT_EQ(metric_value(text, "brocluster_restart_duration_seconds_bucket{le=\"0.005\"}"), 1.0);
  EXPECT_EQ(metric_value(text, "brocluster_restart_duration_seconds_bucket{le=\"+Inf\"}"), 1.0);
  EXPECT_EQ(metric_value(text, "brocluster_bus_events_total{type=\"node_state\"}"), 5.0);
}

TEST(WebState, CpuAndPacketCountersNeverGoDownAcrossARestartedProcess) {
  ClusterState s;
  Feed f(s);
  f.stats("worker-1", 10, 5.0, 1000);
  f.stats("worker-1", 10, 7.0, 1500);
  f.stats("worker-1", 11, 0.25, 20);  // the new process counts from 0
  const std::string text = render_metrics(s, {});
  EXPECT_EQ(metric_value(text, series("brocluster_node_cpu_seconds_total", ",mode=\"user\"")),
            7.25);
  EXPECT_EQ(metric_value(text, series("brocluster_node_cpu_seconds_total", ",mode=\"system\"")),
            1.0);
  EXPECT_EQ(metric_value(text, series("brocluster_node_packets_received_total")), 1520.0);
}

TEST(WebState, EventsTheSnapshotHasAreNotAppliedAGapIsReported) {
  ClusterState s;
  Feed f(s);
  f.state("worker-1", "stopped", "initializing", kT0);  // seq 1
  msg::Value snap = msg::Value::empty_map();
  snap.set("hosts", msg::Value::empty_array().push_back(
                        msg::Value::empty_map()
                            .set("host", "h1")
                            .set("up", true)
                            .set("seq", msg::Value::empty_map().set("supervisor", 3))));
  snap.set("nodes", msg::Value::empty_array().push_back(msg::Value::empty_map()
                                                            .set("name", "worker-1")
                                                            .set("host", "h1")
                                                            .set("type", "worker")
                                                            .set("state", "running")
                                                            .set("desired", "running")));
  s.apply_snapshot(snap, kT0 + 5'000'000);
  EXPECT_EQ(s.nodes().at("worker-1").state, "running");
  // seq 2 and 3 were in the snapshot: not applied again (no crash counted twice).
  EXPECT_FALSE(f.state("worker-1", "running", "crashed", kT0 + 1).applied);
  EXPECT_FALSE(f.state("worker-1", "crashed", "running", kT0 + 2).applied);
  EXPECT_EQ(s.nodes().at("worker-1").crashes, 0u);
  f.skip();  // seq 4 never arrives
  const auto out = f.state("worker-1", "running", "terminating", kT0 + 6'000'000);
  EXPECT_TRUE(out.applied);
  EXPECT_TRUE(out.gap);
  EXPECT_EQ(s.gaps(), 1u);
  EXPECT_EQ(s.nodes().at("worker-1").state, "terminating");
}

TEST(WebState, ABrokerBoxIsNoHostAndARemovedNodeIsForgotten) {
  ClusterState s;
  msg::Heartbeat hb;
  msg::stamp(hb, "broker-box", 1, kT0);
  hb.role = "broker";
  s.apply_event("hb.broker-box", msg::encode(hb));
  Feed f(s);
  f.state("worker-1", "stopped", "running", kT0);
  f.state("worker-9", "stopped", "running", kT0);
  msg::Value snap = msg::Value::empty_map().set(
      "nodes", msg::Value::empty_array().push_back(msg::Value::empty_map()
                                                       .set("name", "worker-1")
                                                       .set("host", "h1")
                                                       .set("type", "worker")
                                                       .set("state", "running")));
  s.apply_snapshot(snap, kT0 + 1'000'000);
  const std::string text = render_metrics(s, {});
  EXPECT_EQ(text.find("host=\"broker-box\"} "), std::string::npos) << text;
  EXPECT_EQ(s.nodes().count("worker-9"), 0u);
  EXPECT_EQ(s.nodes().count("worker-1"), 1u);
}

TEST(WebState, GarbageIsCountedNotApplied) {
  ClusterState s;
  EXPECT_FALSE(s.apply_event("node.h1.x", "\x81\xa1v\x01").applied);
  EXPECT_FALSE(s.apply_event("node.h1.x", "not msgpack").applied);
  EXPECT_EQ(s.undecodable(), 2u);
  EXPECT_TRUE(s.nodes().empty());
}

TEST(WebMetrics, LabelValuesAreEscaped) {
  EXPECT_EQ(escape_label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
}

TEST(WebEvents, TheRingResumesWithinItselfAndNotBeyond) {
  EventRing ring(3);
  for (int i = 0; i < 5; ++i)
    ring.push("node_state", "{\"i\":" + std::to_string(i) + "}");
  EXPECT_EQ(ring.last_id(), 5u);
  auto after3 = ring.after(3);
  ASSERT_TRUE(after3);
  ASSERT_EQ(after3->size(), 2u);
  EXPECT_EQ((*after3)[0]->id, 4u);
  EXPECT_TRUE(ring.after(2));   // 3, 4, 5 are all kept
  EXPECT_FALSE(ring.after(1));  // 2 fell out
  EXPECT_FALSE(ring.after(6));  // never given out: from before a restart
  EXPECT_EQ(ring.after(5)->size(), 0u);
  EXPECT_EQ(sse_frame(7, "crash", "{}"), "id: 7\nevent: crash\ndata: {}\n\n");

  EventRing small(100, 10);  // bytes bound it first
  small.push("a", "12345");
  small.push("b", "12345");
  small.push("c", "123");
  EXPECT_FALSE(small.after(0));
  EXPECT_EQ(small.after(1)->size(), 2u);
}

TEST(WebHistory, OneNodesSamplesAndActionsSinceATime) {
  msg::Value samples = msg::Value::empty_array(), actions = msg::Value::empty_array();
  const std::string lines[] = {
      "1796663628.814657 127.0.0.2 worker-1 worker cpu=12.5 rss=43302912 vsize=209858560 "
      "cpu_user_s=61.26 cpu_system_s=3.50 packets_received=2199 packets_dropped=0",
      "1796663628.814657 127.0.0.2 manager manager cpu=0.4 rss=9469952 vsize=176025600 "
      "cpu_user_s=1.02 cpu_system_s=0.31 packets_received=- packets_dropped=-",
      "1796663700.120001 127.0.0.2 worker-1 action=crashed signal 6 (Aborted), core dumped",
      "1796660000.000000 127.0.0.2 worker-1 worker cpu=1.0 rss=1 vsize=1 cpu_user_s=- "
      "cpu_system_s=- packets_received=- packets_dropped=-",
      "garbage"};
  int taken = 0;
  for (const std::string& line : lines)
    taken += parse_history_line(line, "worker-1", 1796663000, samples, actions) ? 1 : 0;
  EXPECT_EQ(taken, 2);
  ASSERT_EQ(samples.as_array()->size(), 1u);
  const msg::Value& s = (*samples.as_array())[0];
  EXPECT_EQ(*s.get_double("rss"), 43302912.0);
  EXPECT_EQ(*s.get_double("packets_received"), 2199.0);
  ASSERT_EQ(actions.as_array()->size(), 1u);
  EXPECT_EQ(*(*actions.as_array())[0].get_string("action"), "crashed");
  EXPECT_EQ(*(*actions.as_array())[0].get_string("detail"), "signal 6 (Aborted), core dumped");
}

TEST(WebServices, EveryZeekNodesMetricsPortIsATarget) {
  std::ifstream in(std::string(BC_SOURCE_DIR) + "/tests/golden/zeek_layout/zeek-7.2.zeek");
  std::stringstream text;
  text << in.rdbuf();
  const auto targets = zeek_targets(text.str(), "", "");
  ASSERT_EQ(targets.size(), 5u) << text.str();
  EXPECT_EQ(targets[0].target, "127.0.0.1:9991");
  EXPECT_EQ(targets[0].node, "manager");
  EXPECT_EQ(targets[0].node_type, "manager");
  EXPECT_EQ(targets[3].node, "worker-1-1");
  EXPECT_EQ(targets[3].node_type, "worker");
  EXPECT_EQ(targets[3].target, "127.0.0.1:9994");
  // MetricsAddress, when specific, is where the nodes listen.
  EXPECT_EQ(zeek_targets(text.str(), "10.0.0.5", "")[0].target, "10.0.0.5:9991");
  // Before Zeek 7.0 no layout had metrics ports.
  std::ifstream old(std::string(BC_SOURCE_DIR) + "/tests/golden/zeek_layout/zeek-6.0.zeek");
  std::stringstream old_text;
  old_text << old.rdbuf();
  EXPECT_TRUE(zeek_targets(old_text.str(), "", "").empty());
  // A standalone layout names no node: the caller does.
  EXPECT_EQ(zeek_targets("redef Telemetry::metrics_port = 9991/tcp;\n", "", "zeek")[0].node,
            "zeek");

  const std::string json =
      msg::to_json(service_groups({{"127.0.0.1:7764", "", "", "brocluster"}, targets[3]}));
  EXPECT_EQ(json,
            "[{\"labels\":{\"brocluster_kind\":\"brocluster\"},\"targets\":[\"127.0.0.1:7764\"]},"
            "{\"labels\":{\"brocluster_kind\":\"zeek\",\"node\":\"worker-1-1\",\"node_type\":"
            "\"worker\"},\"targets\":[\"127.0.0.1:9994\"]}]");
}

}  // namespace
}  // namespace bc::web
