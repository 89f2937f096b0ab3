// Reading the cluster's TSV logs: the notice watcher that feeds the notice mail, the
// traffic summary of the fourth mail, and the program runner that runs TraceSummary.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <fstream>

#include "collector/notice_watcher.h"
#include "collector/program_job.h"
#include "collector/trace_summary.h"
#include "collector/zeek_log.h"
#include "common/clock.h"
#include "tests/unit/collector/test_util.h"

namespace bc::collector {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;

const std::string kNoticeHeader =
    "#separator \\x09\n#path\tnotice\n"
    "#fields\tts\tnote\tmsg\tsub\tsrc\tdst\tp\tn\tpeer_descr\tactions\tsuppress_for\n"
    "#types\ttime\tenum\tstring\tstring\taddr\taddr\tport\tcount\tstring\tset[enum]\tinterval\n";

std::string notice_line(const std::string& note, const std::string& actions) {
  return "1700000000.000000\t" + note + "\t198.18.0.9 scanned 30 hosts\t-\t198.18.0.9\t-\t-\t30\t" +
         "worker-1\t" + actions + "\t3600.000000\n";
}

const std::string kConnLog =
    "#separator \\x09\n#path\tconn\n"
    "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\t"
    "orig_bytes\tresp_bytes\tconn_state\n"
    "1700000000.0\tC1\t10.0.0.1\t40000\t10.0.0.2\t80\ttcp\thttp\t2.0\t100\t900\tSF\n"
    "1700000001.0\tC2\t10.0.0.1\t40001\t10.0.0.3\t53\tudp\tdns\t0.1\t40\t60\tSF\n"
    "1700000002.0\tC3\t10.0.0.4\t40002\t10.0.0.2\t80\ttcp\t-\t-\t-\t-\tS0\n"
    "#close\t2023-11-14-22-13-30\n";

TEST(ZeekLog, FieldsByNameUnsetAndEmptyReadAsEmpty) {
  auto fields = ZeekFields::parse("#fields\ta\tb\tc");
  ASSERT_TRUE(fields);
  EXPECT_EQ(fields->index("b"), 1);
  EXPECT_EQ(fields->index("zz"), -1);
  const ZeekRecord r(*fields, "1.5\t-\t(empty)");
  EXPECT_EQ(r.get("a"), "1.5");
  EXPECT_EQ(r.number("a"), 1.5);
  EXPECT_EQ(r.get("b"), "");
  EXPECT_EQ(r.get("c"), "");
  EXPECT_EQ(r.get("zz"), "");
  EXPECT_FALSE(ZeekFields::parse("#types\ttime"));
}

TEST(ZeekLog, ReadsGzipLikePlainAndNamesAFileWithoutHeader) {
  TempDir dir;
  {
    gzFile out = gzopen((dir / "conn.log.gz").c_str(), "wb");
    gzwrite(out, kConnLog.data(), static_cast<unsigned>(kConnLog.size()));
    gzclose(out);
  }
  int rows = 0;
  ASSERT_TRUE(read_zeek_log(dir / "conn.log.gz", [&](const ZeekRecord&) { ++rows; }).is_ok());
  EXPECT_EQ(rows, 3);
  testing::write_file(dir / "bad.log", "1.0\t2.0\n");
  const Status s = read_zeek_log(dir / "bad.log", [](const ZeekRecord&) {});
  EXPECT_EQ(s.code(), ErrorCode::kBadMessage);
  EXPECT_THAT(s.message(), HasSubstr("bad.log:1"));
  EXPECT_EQ(read_zeek_log(dir / "none.log", [](const ZeekRecord&) {}).code(), ErrorCode::kNotFound);
}

TEST(TraceSummary, TotalsProtocolsAndTopTalkers) {
  TempDir dir;
  testing::write_file(dir / "conn.log", kConnLog);
  auto text = summarize_conn_log(dir / "conn.log");
  ASSERT_TRUE(text.is_ok()) << text.status().message();
  EXPECT_THAT(*text, HasSubstr("3 connections, 1.1 KB"));
  EXPECT_THAT(*text, HasSubstr("Top originators"));
  EXPECT_THAT(*text, ::testing::ContainsRegex("10\\.0\\.0\\.1 +2 +100\\.0%"));
  EXPECT_THAT(*text, ::testing::ContainsRegex("80/tcp http +2 +90\\.9%"));
  EXPECT_THAT(*text, ::testing::ContainsRegex("udp +1 +9\\.1%"));
}

TEST(NoticeWatcher, EachNoticeOnceAcrossPartialLinesAndRotation) {
  TempDir dir;
  const std::string path = dir / "notice.log";
  NoticeWatcher w(path);
  EXPECT_TRUE(w.poll().empty());  // no file yet: nothing, no error
  const std::string first =
      notice_line("Scan::Address_Scan", "Notice::ACTION_LOG,Notice::ACTION_EMAIL");
  testing::write_file(path, kNoticeHeader + first + first.substr(0, 10));  // a line half written
  auto got = w.poll();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].note, "Scan::Address_Scan");
  EXPECT_EQ(got[0].src, "198.18.0.9");
  EXPECT_EQ(got[0].node, "worker-1");
  EXPECT_TRUE(got[0].has_action("Notice::ACTION_EMAIL"));
  EXPECT_FALSE(got[0].has_action("Notice::ACTION_ALARM"));
  EXPECT_TRUE(w.poll().empty());
  // The rest of the half line arrives (appended, as the node writes).
  std::ofstream(path, std::ios::app) << first.substr(10);
  ASSERT_EQ(w.poll().size(), 1u);
  // Rotated away and a new file started: read from its beginning.
  ASSERT_EQ(::rename(path.c_str(), (dir / "old.log").c_str()), 0);
  testing::write_file(path, kNoticeHeader + notice_line("Scan::Port_Scan", "Notice::ACTION_ALARM"));
  got = w.poll();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].note, "Scan::Port_Scan");
  EXPECT_TRUE(got[0].has_action("Notice::ACTION_ALARM"));
}

TEST(ProgramJobs, CollectsOutputExitCodeAndKillsAtTheDeadline) {
  SystemClock clock;
  ProgramJobs jobs(clock);
  std::optional<ProgramResult> ok, slow;
  ASSERT_TRUE(jobs.start({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"},
                         std::chrono::seconds(10), [&](const ProgramResult& r) { ok = r; })
                  .is_ok());
  ASSERT_TRUE(jobs.start({"/bin/sleep", "30"}, std::chrono::milliseconds(200),
                         [&](const ProgramResult& r) { slow = r; })
                  .is_ok());
  ASSERT_TRUE(testing::wait_for([&] {
    jobs.poll();
    return ok && slow;
  }));
  EXPECT_EQ(ok->exit_code, 3);
  EXPECT_THAT(ok->output, HasSubstr("out\n"));
  EXPECT_THAT(ok->output, HasSubstr("err\n"));
  EXPECT_TRUE(slow->timed_out);
  EXPECT_EQ(slow->exit_code, -1);
  EXPECT_EQ(jobs.running(), 0u);
  const Status missing = jobs.start({"/no/such/program"}, std::chrono::seconds(1), [](auto&) {});
  EXPECT_FALSE(missing.is_ok());
  EXPECT_THAT(missing.message(), HasSubstr("/no/such/program"));
}

}  // namespace
}  // namespace bc::collector
