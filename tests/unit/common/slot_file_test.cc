#include "common/slot_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "common/file_util.h"

namespace bc {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class SlotFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/bc-slot.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/rec";
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string dir_;
  std::string path_;
};

TEST_F(SlotFileTest, WritesTheSlotsInTurnAndLoadsTheNewest) {
  SlotFile f(path_);
  EXPECT_EQ(f.load().status().code(), ErrorCode::kNotFound);
  ASSERT_TRUE(f.store("one"));
  ASSERT_TRUE(f.store("two"));
  ASSERT_TRUE(f.store("three"));
  EXPECT_TRUE(fs::exists(path_ + ".a"));
  EXPECT_TRUE(fs::exists(path_ + ".b"));
  SlotFile reader(path_);
  auto got = reader.load();
  ASSERT_TRUE(got.is_ok()) << got.status().to_string();
  EXPECT_EQ(*got, "three");
  // A writer that starts from a load continues the sequence instead of going back.
  ASSERT_TRUE(reader.store("four"));
  EXPECT_EQ(*SlotFile(path_).load(), "four");
}

TEST_F(SlotFileTest, ATornNewestSlotFallsBackToThePreviousRecord) {
  SlotFile f(path_);
  ASSERT_TRUE(f.store("previous record"));
  ASSERT_TRUE(f.store("newest record, longer"));
  // The first record went to .b, the newest to .a; cut that short as a power loss
  // mid-write would.
  auto bytes = read_file(path_ + ".a");
  ASSERT_TRUE(bytes.is_ok());
  ASSERT_TRUE(write_file_in_place(path_ + ".a", bytes->substr(0, bytes->size() - 3)));
  auto got = SlotFile(path_).load();
  ASSERT_TRUE(got.is_ok()) << got.status().to_string();
  EXPECT_EQ(*got, "previous record");
}

TEST_F(SlotFileTest, FlippedBitOrForeignFileIsRejectedNamingTheFiles) {
  SlotFile f(path_);
  ASSERT_TRUE(f.store("payload"));
  auto bytes = read_file(path_ + ".b");
  ASSERT_TRUE(bytes.is_ok());
  std::string flipped = *bytes;
  flipped.back() ^= 1;
  ASSERT_TRUE(write_file_in_place(path_ + ".b", flipped));
  ASSERT_TRUE(write_file_in_place(path_ + ".a", "not a slot at all"));
  auto got = SlotFile(path_).load();
  ASSERT_FALSE(got.is_ok());
  EXPECT_EQ(got.status().code(), ErrorCode::kBadMessage);
  EXPECT_THAT(got.status().message(), HasSubstr(path_ + ".a"));
  EXPECT_THAT(got.status().message(), HasSubstr(path_ + ".b"));
}

TEST(SlotFrame, RoundTripsAndRejectsLengthMismatch) {
  std::uint64_t seq = 0;
  std::string payload;
  const std::string framed = encode_slot(7, std::string("a\0b", 3));
  ASSERT_TRUE(decode_slot(framed, &seq, &payload));
  EXPECT_EQ(seq, 7u);
  EXPECT_EQ(payload, std::string("a\0b", 3));
  EXPECT_FALSE(decode_slot(framed + "x", &seq, &payload));
  EXPECT_FALSE(decode_slot(framed.substr(0, 10), &seq, &payload));
}

}  // namespace
}  // namespace bc
