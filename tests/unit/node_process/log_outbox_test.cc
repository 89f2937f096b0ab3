// The sender's buffer of log batches: order, trimming by acks, spill to disk and back,
// the disk bound and its counted drops.

#include "node/process/log_outbox.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/processes.h"
#include "tests/support/run_process.h"

namespace bc::node {
namespace {

std::string body(std::uint64_t seq) {
  return "batch-" + std::to_string(seq) + std::string(90, 'x');  // 100 bytes or so
}

bool push(LogOutbox& o, std::uint32_t records = 10) {
  return o.push(records, [](std::uint64_t seq) { return body(seq); });
}

TEST(LogOutbox, NumbersBatchesInOrderAndTrimsOnAck) {
  LogOutbox o("", 1 << 20, 0);
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(push(o));
  EXPECT_EQ(o.first_unacked(), 1u);
  EXPECT_EQ(o.next_seq(), 6u);
  EXPECT_EQ(o.buffered_records(), 50u);
  for (std::uint64_t s = 1; s <= 5; ++s)
    EXPECT_EQ(o.find(s)->bytes, body(s));
  o.ack(3);
  EXPECT_EQ(o.find(3), nullptr);
  EXPECT_EQ(o.find(4)->bytes, body(4));
  EXPECT_EQ(o.first_unacked(), 4u);
  EXPECT_EQ(o.buffered_records(), 20u);
  EXPECT_EQ(o.acked_records(), 30u);
  o.ack(2);  // an old ack changes nothing
  EXPECT_EQ(o.first_unacked(), 4u);
  o.ack(99);  // never beyond what exists
  EXPECT_TRUE(o.empty());
  EXPECT_EQ(o.first_unacked(), 6u);
}

TEST(LogOutbox, SpillsPastMemoryAndReadsBackInOrder) {
  bc::test::TempDir dir;
  const std::string spill = dir.path() + "/.log-spill";
  LogOutbox o(spill, 350, 1 << 20);  // three batches in memory
  for (int i = 0; i < 10; ++i)
    ASSERT_TRUE(push(o));
  EXPECT_TRUE(std::filesystem::exists(spill));
  EXPECT_GT(o.spilled_bytes(), 0u);
  EXPECT_NE(o.find(3), nullptr);
  EXPECT_EQ(o.find(4), nullptr);  // on disk: not sendable yet
  EXPECT_EQ(o.buffered_records(), 100u);
  for (std::uint64_t s = 1; s <= 10; ++s) {
    const OutboxBatch* b = o.find(s);
    ASSERT_NE(b, nullptr) << s;
    EXPECT_EQ(b->bytes, body(s));
    EXPECT_EQ(b->seq, s);
    o.ack(s);
  }
  EXPECT_TRUE(o.empty());
  EXPECT_EQ(o.spilled_bytes(), 0u);
  EXPECT_FALSE(std::filesystem::exists(spill));  // drained files are started over
  EXPECT_EQ(o.dropped_records(), 0u);
}

TEST(LogOutbox, PastTheDiskBoundRecordsAreDroppedAndCountedWithoutUsingASeq) {
  bc::test::TempDir dir;
  LogOutbox o(dir.path() + "/.log-spill", 250, 400);  // 2 in memory, 3 on disk
  int accepted = 0;
  for (int i = 0; i < 8; ++i)
    accepted += push(o, 7) ? 1 : 0;
  EXPECT_EQ(accepted, 5);
  EXPECT_EQ(o.dropped_records(), 21u);
  EXPECT_EQ(o.next_seq(), 6u);  // the sink sees no gap
  o.ack(5);
  EXPECT_TRUE(o.empty());
  EXPECT_TRUE(push(o));  // room again
  EXPECT_EQ(o.find(6)->bytes, body(6));
}

TEST(LogOutbox, MemoryOnlyWithoutASpillPath) {
  LogOutbox o("", 250, 1 << 20);
  EXPECT_TRUE(push(o));
  EXPECT_TRUE(push(o));
  EXPECT_FALSE(push(o));
  EXPECT_EQ(o.dropped_records(), 10u);
}

TEST(LogOutbox, ASpillOfAnEarlierRunIsDiscarded) {
  bc::test::TempDir dir;
  dir.write(".log-spill", "old batches");
  LogOutbox o(dir.path() + "/.log-spill", 1 << 20, 1 << 20);
  EXPECT_EQ(o.discarded_at_start(), 11u);
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/.log-spill"));
}

}  // namespace
}  // namespace bc::node
