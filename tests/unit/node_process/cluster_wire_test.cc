// The numbered logs message and the ack of the delivery protocol: round trips, and bad
// sequence fields are errors.

#include "node/process/cluster_wire.h"

#include <gtest/gtest.h>

#include "messages/codec.h"
#include "messages/value.h"

namespace bc::node {
namespace {

LogBatch numbered() {
  LogBatch b;
  b.node = "worker-1";
  b.sender = "9f0c2a17d3e4b5a6";
  b.seq = 42;
  b.base = 40;
  b.records.push_back(
      LogRecord{"notice", std::vector<std::string>(log_schema("notice")->fields.size(), "-")});
  return b;
}

TEST(ClusterWire, NumberedLogsRoundTrip) {
  Result<ClusterMessage> m = decode_cluster_message(encode_logs(numbered()));
  ASSERT_TRUE(m) << m.status().message();
  EXPECT_EQ(m->node, "worker-1");
  EXPECT_EQ(m->sender, "9f0c2a17d3e4b5a6");
  EXPECT_EQ(m->seq, 42u);
  EXPECT_EQ(m->base, 40u);
  EXPECT_EQ(m->records.size(), 1u);
}

TEST(ClusterWire, UnnumberedLogsHaveNoSender) {
  LogBatch b = numbered();
  b.sender.clear();
  Result<ClusterMessage> m = decode_cluster_message(encode_logs(b));
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->sender.empty());
  EXPECT_EQ(m->seq, 0u);
}

TEST(ClusterWire, AckRoundTripAndItsFields) {
  const std::string bytes = encode_ack(LogAck{"manager", "9f0c2a17d3e4b5a6", 42});
  Result<msg::Value> v = msg::decode_value(bytes);
  ASSERT_TRUE(v);
  EXPECT_EQ(*v->get_string("type"), "ack");
  Result<LogAck> a = decode_ack(bytes);
  ASSERT_TRUE(a) << a.status().message();
  EXPECT_EQ(a->node, "manager");
  EXPECT_EQ(a->sender, "9f0c2a17d3e4b5a6");
  EXPECT_EQ(a->seq, 42u);
  EXPECT_FALSE(decode_ack(encode_logs(numbered())));  // not an ack
  EXPECT_FALSE(decode_ack("garbage"));
}

TEST(ClusterWire, BadSequenceFieldsAreErrors) {
  const auto with = [](auto change) {
    LogBatch b = numbered();
    change(b);
    return decode_cluster_message(encode_logs(b));
  };
  EXPECT_FALSE(with([](LogBatch& b) { b.seq = 0; }));
  EXPECT_FALSE(with([](LogBatch& b) { b.base = 0; }));
  EXPECT_FALSE(with([](LogBatch& b) { b.base = b.seq + 1; }));
  EXPECT_FALSE(with([](LogBatch& b) { b.sender = "has space"; }));
  EXPECT_FALSE(with([](LogBatch& b) { b.sender = std::string(65, 'a'); }));
  Result<ClusterMessage> bad = with([](LogBatch& b) { b.sender = "a/b"; });
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.status().message().find("sender/seq/base"), std::string::npos);
}

}  // namespace
}  // namespace bc::node
