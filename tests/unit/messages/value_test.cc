// Value accessors and builders, and the Reply helpers.

#include <gtest/gtest.h>

#include "sample_messages.h"

namespace bc::msg {
namespace {

TEST(Value, KindsAndAccessors) {
  EXPECT_TRUE(Value().is_nil());
  EXPECT_EQ(Value(true).as_bool(), true);
  EXPECT_EQ(Value(-3).as_int(), -3);
  EXPECT_EQ(Value(-3).as_uint(), std::nullopt);
  EXPECT_EQ(Value(3).as_uint(), 3u);
  EXPECT_EQ(Value(2.5).as_double(), 2.5);
  EXPECT_EQ(Value(4).as_double(), 4.0);
  EXPECT_EQ(*Value("s").as_string(), "s");
  EXPECT_EQ(Value("s").as_int(), std::nullopt);
  EXPECT_EQ(Value(true).as_string(), nullptr);
}

TEST(Value, IntegersAreCanonical) {
  EXPECT_EQ(Value(5u), Value(5));
  EXPECT_EQ(Value(std::uint64_t{5}).kind(), Value::Kind::kInt);
  EXPECT_EQ(Value(UINT64_MAX).kind(), Value::Kind::kUint);
  EXPECT_EQ(Value(UINT64_MAX).as_int(), std::nullopt);
  EXPECT_EQ(Value(UINT64_MAX).as_uint(), UINT64_MAX);
}

TEST(Value, TypedLookups) {
  Value args;
  args.set("node", "worker-1").set("count", 3).set("force", true).set("ratio", 0.5);
  EXPECT_EQ(*args.get_string("node"), "worker-1");
  EXPECT_EQ(*args.get_int("count"), 3);
  EXPECT_EQ(*args.get_uint("count"), 3u);
  EXPECT_EQ(*args.get_bool("force"), true);
  EXPECT_EQ(*args.get_double("ratio"), 0.5);
  EXPECT_EQ(*args.get_double("count"), 3.0);

  Status missing = args.get_string("host").status();
  EXPECT_EQ(missing.code(), ErrorCode::kNotFound);
  EXPECT_EQ(missing.message(), "missing key 'host'");
  Status wrong = args.get_int("node").status();
  EXPECT_EQ(wrong.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(wrong.message(), "key 'node': expected integer, got string");
  EXPECT_EQ(Value(3).find("x"), nullptr);  // not a map
  EXPECT_EQ(args.get_string("x").status().code(), ErrorCode::kNotFound);
}

TEST(Value, BuildersReplaceAndConvert) {
  Value v;
  v.set("a", 1).set("a", 2);
  EXPECT_EQ(v.as_map()->size(), 1u);
  EXPECT_EQ(*v.get_int("a"), 2);
  Value list = Value(7);
  list.push_back(1).push_back("two");
  ASSERT_TRUE(list.is_array());
  EXPECT_EQ(list.as_array()->size(), 2u);
}

TEST(Reply, HelpersCarryStatus) {
  Reply ok = make_ok(9, Value("done"));
  EXPECT_TRUE(ok.ok);
  EXPECT_TRUE(reply_status(ok).is_ok());
  EXPECT_EQ(*ok.result, Value("done"));

  Reply err = make_error(10, Status::unreachable("host3 did not answer"));
  EXPECT_FALSE(err.ok);
  EXPECT_EQ(err.id, 10u);
  EXPECT_EQ(reply_status(err).code(), ErrorCode::kUnreachable);
  EXPECT_EQ(reply_status(err).message(), "host3 did not answer");
  EXPECT_TRUE(err.validate().is_ok());

  Reply bug = make_error(11, Status::ok());
  EXPECT_EQ(reply_status(bug).code(), ErrorCode::kInternal);
}

TEST(Reply, EveryKnownErrorCodeRoundTrips) {
  for (std::uint16_t raw = 1; raw < 64; ++raw) {
    if (!is_known_error_code(raw)) continue;
    Reply r = make_error(raw, Status(static_cast<ErrorCode>(raw), "m"));
    Result<Reply> back = decode<Reply>(encode(r));
    ASSERT_TRUE(back.is_ok()) << back.status().to_string();
    EXPECT_EQ(reply_status(*back).code(), static_cast<ErrorCode>(raw));
  }
}

}  // namespace
}  // namespace bc::msg
