// Golden bytes: the exact encodings of a heartbeat, a request and two replies are frozen
// here. If one of these tests fails, the change breaks peers that are already deployed:
// add fields as optional instead, or bump kProtocolVersion and say so in MESSAGES.md.

#include <gtest/gtest.h>

#include "sample_messages.h"

namespace bc::msg {
namespace {

using namespace testing;

// Field by field: fixmap(14), v=1, type="heartbeat", host="h1", seq=3,
// ts=uint64 1700000000000000, role="broker", pid=77, uptime_s=float64 1.5,
// interval_ms=uint16 1000, state_version=2, nodes_*=0, counters={dropped:0, forwarded:10}.
constexpr std::string_view kHeartbeatHex =
    "8e"
    "a17601"
    "a474797065a9686561727462656174"
    "a4686f7374a26831"
    "a373657103"
    "a27473cf00060a24181e4000"
    "a4726f6c65a662726f6b6572"
    "a37069644d"
    "a8757074696d655f73cb3ff8000000000000"
    "ab696e74657276616c5f6d73cd03e8"
    "ad73746174655f76657273696f6e02"
    "ab6e6f6465735f746f74616c00"
    "ad6e6f6465735f72756e6e696e6700"
    "ad6e6f6465735f6372617368656400"
    "a8636f756e7465727382a764726f7070656400a9666f727761726465640a";

constexpr std::string_view kRequestHex =
    "85"
    "a17601"
    "a2696405"
    "a3636d64a6737461747573"
    "a46172677381a46e6f6465a8776f726b65722d31"
    "a27473cf00060a24181e4000";

constexpr std::string_view kReplyOkHex =
    "84"
    "a17601"
    "a2696405"
    "a26f6bc3"
    "a6726573756c7481a772756e6e696e6702";

constexpr std::string_view kReplyErrorHex =
    "84"
    "a17601"
    "a2696406"
    "a26f6bc2"
    "a56572726f7282a4636f646502a76d657373616765ab6e6f206e6f646520277827";

Heartbeat golden_heartbeat() {
  Heartbeat hb;
  stamp(hb, "h1", 3, 1700000000000000);
  hb.role = "broker";
  hb.pid = 77;
  hb.uptime_s = 1.5;
  hb.interval_ms = 1000;
  hb.state_version = 2;
  hb.counters = {{"forwarded", 10}, {"dropped", 0}};
  return hb;
}

Request golden_request() {
  Request r;
  r.id = 5;
  r.cmd = "status";
  r.args.set("node", "worker-1");
  r.ts = 1700000000000000;
  return r;
}

std::string without_spaces(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c != ' ') out += c;
  }
  return out;
}

TEST(Golden, HeartbeatEncoding) {
  EXPECT_EQ(to_hex(encode(golden_heartbeat())), kHeartbeatHex);
  Result<Heartbeat> back = decode<Heartbeat>(from_hex(kHeartbeatHex));
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_EQ(*back, golden_heartbeat());
}

TEST(Golden, RequestEncoding) {
  EXPECT_EQ(to_hex(encode(golden_request())), kRequestHex);
  Result<Request> back = decode<Request>(from_hex(kRequestHex));
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_EQ(*back, golden_request());
}

TEST(Golden, ReplyEncodings) {
  Reply ok = make_ok(5, Value().set("running", 2));
  EXPECT_EQ(to_hex(encode(ok)), kReplyOkHex);
  Reply err = make_error(6, Status::not_found("no node 'x'"));
  EXPECT_EQ(to_hex(encode(err)), kReplyErrorHex);
  Result<Reply> back = decode<Reply>(from_hex(kReplyErrorHex));
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_EQ(reply_status(*back).code(), ErrorCode::kNotFound);
  EXPECT_EQ(reply_status(*back).message(), "no node 'x'");
}

// A newer peer adds a key: the map grows to 15 entries with "future": [1, "x"] at the end.
TEST(Golden, UnknownKeyIsIgnored) {
  std::string hex = "8f" + std::string(kHeartbeatHex.substr(2)) +
                    "a6667574757265"
                    "9201a178";
  Result<Heartbeat> back = decode<Heartbeat>(from_hex(hex));
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_EQ(*back, golden_heartbeat());

  // The same at the front of a request, and nested inside a reply's error.
  std::string req =
      "86"
      "a6667574757265c0" +
      std::string(kRequestHex.substr(2));
  EXPECT_TRUE(decode<Request>(from_hex(req)).is_ok());
  std::string err = without_spaces(
      "84 a17601 a2696406 a26f6bc2 a56572726f72 83 a4636f646502 a178c3"
      " a76d657373616765ab6e6f206e6f646520277827");
  EXPECT_TRUE(decode<Reply>(from_hex(err)).is_ok())
      << decode<Reply>(from_hex(err)).status().to_string();
}

// Integers may arrive in any msgpack width (other encoders choose differently), and a
// double may arrive as an integer.
TEST(Golden, AcceptsOtherIntegerWidths) {
  std::string req = without_spaces(
      "85 a17601 a269 64 cf0000000000000005 a3636d64a6737461747573"
      " a46172677380 a27473 d3 00060a24181e4000");
  Result<Request> r = decode<Request>(from_hex(req));
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->id, 5u);
  EXPECT_EQ(r->ts, 1700000000000000);

  std::string hb(kHeartbeatHex);
  hb.replace(hb.find("cb3ff8000000000000"), 18, "02");  // uptime_s = 2 (an integer)
  Result<Heartbeat> h = decode<Heartbeat>(from_hex(hb));
  ASSERT_TRUE(h.is_ok()) << h.status().to_string();
  EXPECT_EQ(h->uptime_s, 2.0);
}

}  // namespace
}  // namespace bc::msg
