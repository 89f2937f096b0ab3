// Typed round trips: every message, encoded and decoded, compares equal; plus the
// minimal form of each (optional fields absent) and the topic of each event.

#include <gtest/gtest.h>

#include "sample_messages.h"

namespace bc::msg {
namespace {

using namespace testing;

template <class M>
void expect_round_trip(const M& m) {
  ASSERT_TRUE(m.validate().is_ok()) << m.validate().to_string();
  const std::string bytes = encode(m);
  Result<M> back = decode<M>(bytes);
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_EQ(*back, m);
  EXPECT_EQ(encode(*back), bytes);  // encoding is deterministic
}

TEST(RoundTrip, Heartbeat) {
  expect_round_trip(sample_heartbeat());
}
TEST(RoundTrip, NodeStateChange) {
  expect_round_trip(sample_node_state());
}
TEST(RoundTrip, NodeStats) {
  expect_round_trip(sample_node_stats());
}
TEST(RoundTrip, HostStats) {
  expect_round_trip(sample_host_stats());
}
TEST(RoundTrip, CrashReport) {
  expect_round_trip(sample_crash());
  auto zeek = sample_crash();  // profile zeek's optional fields
  zeek.status_line = "TERMINATED [fatal_error]";
  zeek.reporter_tail = "0.0\tReporter::ERROR\tboom\n";
  expect_round_trip(zeek);
}
TEST(RoundTrip, Alert) {
  expect_round_trip(sample_alert());
}
TEST(RoundTrip, LogLine) {
  expect_round_trip(sample_log_line());
}
TEST(RoundTrip, Request) {
  expect_round_trip(sample_request());
}
TEST(RoundTrip, ReplyOk) {
  expect_round_trip(sample_reply_ok());
}
TEST(RoundTrip, ReplyError) {
  expect_round_trip(sample_reply_error());
}

TEST(RoundTrip, OptionalFieldsAbsent) {
  Heartbeat hb = sample_heartbeat();
  hb.software.reset();
  hb.counters.clear();
  expect_round_trip(hb);

  NodeStateChange ns = sample_node_state();
  ns.reason.reset();
  expect_round_trip(ns);

  NodeStats st = sample_node_stats();
  st.cmd.reset();
  st.packets_received.reset();
  st.packets_dropped.reset();
  st.packets_link.reset();
  st.cpu_user_s.reset();
  st.cpu_system_s.reset();
  expect_round_trip(st);

  CrashReport cr = sample_crash();
  cr.core_path.reset();
  cr.backtrace.reset();
  cr.core_size.reset();
  cr.core_note.reset();
  expect_round_trip(cr);

  Alert al = sample_alert();
  al.subject_host.reset();
  al.node.reset();
  expect_round_trip(al);

  LogLine ll = sample_log_line();
  ll.node.reset();
  expect_round_trip(ll);

  Request rq = sample_request();
  rq.nonce.reset();
  rq.args = Value::empty_map();
  expect_round_trip(rq);

  expect_round_trip(make_ok(1, Value()));  // a nil result is a present result
  Reply bare;
  bare.ok = true;
  expect_round_trip(bare);
}

TEST(RoundTrip, ExtremeIntegers) {
  NodeStats st = sample_node_stats();
  st.rss_bytes = UINT64_MAX;
  st.pid = INT64_MAX;
  st.env.seq = UINT64_MAX;
  expect_round_trip(st);

  Request rq = sample_request();
  rq.args.set("min", INT64_MIN).set("max", UINT64_MAX).set("neg", -1).set("pi", 3.25);
  rq.args.set("bin", Binary{{0, 1, 2, 255}}).set("nil", nullptr);
  rq.args.set("nested", Value::Map{{"a", Value::Array{Value::Map{{"b", 1}}}}});
  expect_round_trip(rq);
}

TEST(RoundTrip, ValueStandalone) {
  Value v;
  v.set("s", "x").set("a", Value::Array{1, -2, 2.5, true, nullptr, UINT64_MAX});
  Result<Value> back = decode_value(encode_value(v));
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_EQ(*back, v);
}

TEST(Topics, EveryEvent) {
  EXPECT_EQ(topic_for(sample_heartbeat()), "hb.host1");
  EXPECT_EQ(topic_for(sample_node_state()), "node.host2.worker-1");
  EXPECT_EQ(topic_for(sample_node_stats()), "stats.host2.worker-1");
  EXPECT_EQ(topic_for(sample_host_stats()), "stats.host2");
  EXPECT_EQ(topic_for(sample_crash()), "crash.host2.worker-1");
  EXPECT_EQ(topic_for(sample_alert()), "alert.host-down");
  EXPECT_EQ(topic_for(sample_log_line()), "log.host2");
}

TEST(PeekType, NamesEveryEvent) {
  EXPECT_EQ(*peek_type(encode(sample_heartbeat())), "heartbeat");
  EXPECT_EQ(*peek_type(encode(sample_node_state())), "node_state");
  EXPECT_EQ(*peek_type(encode(sample_node_stats())), "node_stats");
  EXPECT_EQ(*peek_type(encode(sample_host_stats())), "host_stats");
  EXPECT_EQ(*peek_type(encode(sample_crash())), "crash");
  EXPECT_EQ(*peek_type(encode(sample_alert())), "alert");
  EXPECT_EQ(*peek_type(encode(sample_log_line())), "log");
  // Requests carry no type tag.
  EXPECT_EQ(peek_type(encode(sample_request())).status().code(), ErrorCode::kBadMessage);
}

TEST(Stamp, FillsEnvelope) {
  NodeStats st;
  stamp(st, "h", 5, 6);
  EXPECT_EQ(st.env.v, kProtocolVersion);
  EXPECT_EQ(st.env.type, "node_stats");
  EXPECT_EQ(st.env.host, "h");
  EXPECT_EQ(st.env.seq, 5u);
  EXPECT_EQ(st.env.ts, 6);
  EXPECT_EQ(Heartbeat().env.type, "heartbeat");  // a fresh event is already tagged
}

}  // namespace
}  // namespace bc::msg
