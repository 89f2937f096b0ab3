// JSON rendering: exact strings for messages, RFC 8259 escaping, UTF-8 handling and
// non-finite doubles.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "messages/json_writer.h"
#include "sample_messages.h"

namespace bc::msg {
namespace {

using namespace testing;

std::string json_string(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

TEST(Json, Heartbeat) {
  EXPECT_EQ(to_json(sample_heartbeat()),
            R"({"v":1,"type":"heartbeat","host":"host1","seq":42,"ts":1700000000000000,)"
            R"("role":"supervisor","pid":1234,"uptime_s":12.5,"interval_ms":1000,)"
            R"("state_version":7,"nodes_total":3,"nodes_running":2,"nodes_crashed":1,)"
            R"("counters":{"dropped":2,"forwarded":100},"software":"0.1.0"})");
}

TEST(Json, HostStatsWithNestedList) {
  EXPECT_EQ(to_json(sample_host_stats()),
            R"({"v":1,"type":"host_stats","host":"host2","seq":11,"ts":1700000000000003,)"
            R"("load1":0.5,"load5":0.25,"load15":0.125,"cpu_count":8,)"
            R"("mem_total":17179869184,"mem_available":9663676416,"disks":[)"
            R"({"path":"/","total_bytes":107374182400,"avail_bytes":42949672960,"avail_pct":40,)"
            R"("device":2049},)"
            R"({"path":"/var/spool","total_bytes":53687091200,"avail_bytes":5368709120,)"
            R"("avail_pct":10}]})");
}

TEST(Json, CrashReportEscapesTails) {
  const std::string json = to_json(sample_crash());
  EXPECT_NE(json.find(R"("stdout_tail":"listening on eth0\n")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("stderr_tail":"fatal: \"bad\" packet\n")"), std::string::npos) << json;
}

TEST(Json, RequestAndReplies) {
  EXPECT_EQ(to_json(sample_request()),
            R"({"v":1,"id":17,"cmd":"start","args":{"force":true,"nodes":["worker-1","worker-2"]},)"
            R"("ts":1700000000000007,"nonce":"n-1"})");
  EXPECT_EQ(to_json(sample_reply_ok()),
            R"({"v":1,"id":17,"ok":true,"result":{"pids":[101,102],"started":2}})");
  EXPECT_EQ(
      to_json(sample_reply_error()),
      R"({"v":1,"id":18,"ok":false,"error":{"code":2,"message":"no node named 'worker-9'"}})");
}

TEST(Json, AbsentOptionalsAreLeftOut) {
  LogLine l = sample_log_line();
  l.node.reset();
  EXPECT_EQ(to_json(l),
            R"({"v":1,"type":"log","host":"host2","seq":14,"ts":1700000000000006,)"
            R"("level":"warning","component":"supervisor","message":"dropped malformed frame"})");
}

TEST(Json, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(json_string("a\"b\\c/d"), R"("a\"b\\c/d")");
  EXPECT_EQ(json_string("\b\f\n\r\t"), R"("\b\f\n\r\t")");
  EXPECT_EQ(json_string(std::string("\x00\x01\x1f\x7f", 4)), "\"\\u0000\\u0001\\u001f\x7f\"");
}

TEST(Json, Utf8PassesThroughAndInvalidBytesAreReplaced) {
  EXPECT_EQ(json_string("grüße ✓ 😀"), "\"grüße ✓ 😀\"");
  EXPECT_EQ(json_string("a\xff"
                        "b"),
            R"("a\ufffdb")");
  EXPECT_EQ(json_string("\xc3"), R"("\ufffd")");                      // truncated sequence
  EXPECT_EQ(json_string("\xc0\xaf"), R"("\ufffd\ufffd")");            // overlong '/'
  EXPECT_EQ(json_string("\xed\xa0\x80"), R"("\ufffd\ufffd\ufffd")");  // UTF-16 surrogate
  EXPECT_EQ(json_string("\xf4\x90\x80\x80"), R"("\ufffd\ufffd\ufffd\ufffd")");  // > U+10FFFF
}

TEST(Json, NonFiniteDoublesAreNull) {
  Value v = Value::Array{std::nan(""),
                         std::numeric_limits<double>::infinity(),
                         -std::numeric_limits<double>::infinity(),
                         0.1,
                         -2.0,
                         1e300};
  EXPECT_EQ(to_json(v), "[null,null,null,0.1,-2,1e+300]");
  Heartbeat hb = sample_heartbeat();
  hb.uptime_s = std::nan("");
  EXPECT_NE(to_json(hb).find(R"("uptime_s":null)"), std::string::npos);
}

TEST(Json, ValueKinds) {
  Value v;
  v.set("nil", nullptr).set("t", true).set("i", -7).set("u", UINT64_MAX).set("s", "x");
  v.set("bin", Binary{{'a', 'b', 'c', 'd'}}).set("empty", Value::empty_array());
  EXPECT_EQ(to_json(v), R"({"bin":"YWJjZA==","empty":[],"i":-7,"nil":null,"s":"x","t":true,)"
                        R"("u":18446744073709551615})");
  EXPECT_EQ(to_json(Value()), "null");
  EXPECT_EQ(to_json(Value::empty_map()), "{}");
}

TEST(Json, WriterNesting) {
  JsonWriter w;
  w.begin_object();
  w.key("a");
  w.begin_array();
  w.int_value(1);
  w.begin_object();
  w.end_object();
  w.string_value("k\"");
  w.end_array();
  w.key("b");
  w.null_value();
  w.end_object();
  EXPECT_EQ(w.str(), R"({"a":[1,{},"k\""],"b":null})");
}

TEST(Json, EventToJsonDispatchesOnType) {
  Result<std::string> json = event_to_json(encode(sample_alert()));
  ASSERT_TRUE(json.is_ok()) << json.status().to_string();
  EXPECT_EQ(*json, to_json(sample_alert()));
}

}  // namespace
}  // namespace bc::msg
