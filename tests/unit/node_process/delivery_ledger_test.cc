// The sink's dedup: a resent batch is written once, across a restart of the sink too, and
// a round interrupted by a crash is undone in the log files.

#include "node/process/delivery_ledger.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/processes.h"
#include "tests/support/run_process.h"

namespace bc::node {
namespace {

TEST(DeliveryLedger, WritesEachSeqOnceInOrder) {
  bc::test::TempDir dir;
  Result<DeliveryLedger> l = DeliveryLedger::open(dir.path());
  ASSERT_TRUE(l) << l.status().message();
  EXPECT_EQ(l->accept("a1", 1, 1), Delivery::kWrite);
  EXPECT_EQ(l->accept("a1", 1, 1), Delivery::kDuplicate);  // resent in the same round
  EXPECT_EQ(l->accept("a1", 3, 1), Delivery::kGap);        // 2 is missing
  EXPECT_EQ(l->accept("a1", 2, 1), Delivery::kWrite);
  EXPECT_EQ(l->accept("b2", 1, 1), Delivery::kWrite);
  ASSERT_TRUE(l->begin());
  ASSERT_TRUE(l->commit());
  EXPECT_EQ(l->highest("a1"), 2u);
  EXPECT_EQ(l->accept("a1", 2, 1), Delivery::kDuplicate);
  EXPECT_EQ(l->accept("a1", 3, 1), Delivery::kWrite);
}

TEST(DeliveryLedger, AnUnknownSenderStartsAtItsBase) {
  bc::test::TempDir dir;
  Result<DeliveryLedger> l = DeliveryLedger::open(dir.path());
  ASSERT_TRUE(l);
  EXPECT_EQ(l->accept("c3", 41, 40), Delivery::kGap);
  EXPECT_EQ(l->accept("c3", 40, 40), Delivery::kWrite);
  // A sender that gave up on batches (base past them) is not held up by them.
  EXPECT_EQ(l->accept("c3", 45, 45), Delivery::kWrite);
}

TEST(DeliveryLedger, WhatWasCommittedSurvivesARestart) {
  bc::test::TempDir dir;
  {
    Result<DeliveryLedger> l = DeliveryLedger::open(dir.path());
    ASSERT_TRUE(l);
    for (std::uint64_t s = 1; s <= 3; ++s)
      ASSERT_EQ(l->accept("a1", s, 1), Delivery::kWrite);
    ASSERT_TRUE(l->begin());
    ASSERT_TRUE(l->commit());
  }
  Result<DeliveryLedger> again = DeliveryLedger::open(dir.path());
  ASSERT_TRUE(again) << again.status().message();
  EXPECT_EQ(again->accept("a1", 3, 1), Delivery::kDuplicate);  // the resend after restart
  EXPECT_EQ(again->accept("a1", 4, 1), Delivery::kWrite);
}

TEST(DeliveryLedger, ARoundCutShortByACrashIsUndoneInTheLogs) {
  bc::test::TempDir dir;
  dir.write("conn.log", "#header\nrecord-1\n");
  {
    Result<DeliveryLedger> l = DeliveryLedger::open(dir.path());
    ASSERT_TRUE(l);
    ASSERT_EQ(l->accept("a1", 1, 1), Delivery::kWrite);
    ASSERT_TRUE(l->begin());
    // The round's writes, then the process dies before commit().
    dir.write("conn.log", "#header\nrecord-1\nrecord-2\n");
    dir.write("dns.log", "#header\nrecord-3\n");
  }
  Result<DeliveryLedger> again = DeliveryLedger::open(dir.path());
  ASSERT_TRUE(again) << again.status().message();
  EXPECT_EQ(bc::test::file_text(dir.path() + "/conn.log"), "#header\nrecord-1\n");
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/dns.log"));
  EXPECT_EQ(again->accept("a1", 1, 1), Delivery::kWrite);  // not acked: written on resend
}

TEST(DeliveryLedger, ARoundWhoseWritesFailedIsRolledBackAndWrittenWhenResent) {
  bc::test::TempDir dir;
  dir.write("conn.log", "#header\n");
  Result<DeliveryLedger> l = DeliveryLedger::open(dir.path());
  ASSERT_TRUE(l);
  ASSERT_EQ(l->accept("a1", 1, 1), Delivery::kWrite);
  ASSERT_TRUE(l->begin());
  dir.write("conn.log", "#header\nhalf a rec");  // the disk filled up
  ASSERT_TRUE(l->rollback());
  EXPECT_EQ(bc::test::file_text(dir.path() + "/conn.log"), "#header\n");
  EXPECT_EQ(l->highest("a1"), 0u);
  EXPECT_EQ(l->accept("a1", 1, 1), Delivery::kWrite);
}

TEST(DeliveryLedger, AGarbledLedgerIsAnErrorNamingTheFileAndLine) {
  bc::test::TempDir dir;
  dir.write(".log-ledger", "brocluster-log-ledger 1\nround 1\nsender\n");
  Result<DeliveryLedger> l = DeliveryLedger::open(dir.path());
  ASSERT_FALSE(l);
  EXPECT_NE(l.status().message().find(".log-ledger line 3"), std::string::npos)
      << l.status().message();
}

}  // namespace
}  // namespace bc::node
