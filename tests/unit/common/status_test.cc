#include "common/status.h"

#include <gtest/gtest.h>

namespace bc {
namespace {

TEST(Status, OkByDefault) {
  Status s;
  EXPECT_TRUE(s.is_ok());
  EXPECT_EQ(s.to_string(), "ok");
}

TEST(Status, NamedConstructorsCarryCodeAndMessage) {
  Status s = Status::not_found("unknown node 'x'");
  EXPECT_FALSE(s.is_ok());
  EXPECT_EQ(s.code(), ErrorCode::kNotFound);
  EXPECT_EQ(s.to_string(), "not_found: unknown node 'x'");
}

TEST(ErrorCode, NumbersArePinnedBecauseTheyTravelOnTheWire) {
  EXPECT_EQ(static_cast<int>(ErrorCode::kBadMessage), 8);
  EXPECT_EQ(static_cast<int>(ErrorCode::kUnknownCommand), 15);
  EXPECT_EQ(static_cast<int>(ErrorCode::kFailed), 16);
  EXPECT_EQ(static_cast<int>(ErrorCode::kCancelled), 17);
}

TEST(ErrorCode, NamesRoundTrip) {
  for (std::uint16_t raw = 0; raw < 64; ++raw) {
    if (!is_known_error_code(raw)) continue;
    auto code = static_cast<ErrorCode>(raw);
    auto back = error_code_from_name(error_code_name(code));
    ASSERT_TRUE(back.has_value()) << raw;
    EXPECT_EQ(*back, code);
  }
  EXPECT_FALSE(is_known_error_code(999));
  EXPECT_FALSE(error_code_from_name("nope").has_value());
}

TEST(Result, HoldsValueOrStatus) {
  Result<int> good = 5;
  ASSERT_TRUE(good.is_ok());
  EXPECT_EQ(*good, 5);
  Result<int> bad = Status::timeout("host2 did not answer");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kTimeout);
}

}  // namespace
}  // namespace bc
