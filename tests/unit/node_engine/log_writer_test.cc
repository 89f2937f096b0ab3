// LogWriter: Zeek header and #close, escaping, rename-away detection and reopen; bro-cut
// (Debian bro-aux) reads every log the engine writes.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "common/file_util.h"
#include "node/engine/log_format.h"
#include "node/engine/log_writer.h"
#include "node/engine/scan.h"
#include "tests/support/run_process.h"
#include "tests/unit/node_engine/test_sink.h"

namespace bc::node::test {
namespace {

namespace fs = std::filesystem;
constexpr const char* kBroCut = "/usr/bin/bro-cut";

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

std::string slurp(const std::string& path) {
  auto r = bc::read_file(path);
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
  return r.value_or("");
}

TEST(LogFormatTest, ZeekTsvRendering) {
  EXPECT_EQ(tsv::escape("plain"), "plain");
  EXPECT_EQ(tsv::escape(""), "(empty)");
  EXPECT_EQ(tsv::escape("-"), "\\x2d");
  EXPECT_EQ(tsv::escape("(empty)"), "\\x28empty)");
  EXPECT_EQ(tsv::escape("a\tb\nc\\d\x01"), "a\\x09b\\x0ac\\\\d\\x01");
  EXPECT_EQ(tsv::escape("caf\xc3\xa9"), "caf\\xc3\\xa9");
  EXPECT_EQ(tsv::set({}), "(empty)");
  EXPECT_EQ(tsv::set({"a", "b,c"}), "a,b\\x2cc");
  EXPECT_EQ(tsv::time(1'700'000'000'000'001), "1700000000.000001");
  EXPECT_EQ(tsv::interval(1'500'000), "1.500000");
  EXPECT_EQ(tsv::boolean(true), "T");
}

TEST(LogWriterTest, HeaderRecordsAndClose) {
  bc::test::TempDir dir;
  bc::FakeClock clock;
  {
    LogWriter w(dir.path(), *log_schema("notice"), &clock);
    LogRecord r{"notice",
                {"1.000000", "Scan::Port_Scan", "a msg", "-", "10.0.0.1", "10.0.0.2", "-", "3", "-",
                 "Notice::ACTION_LOG", "300.000000"}};
    ASSERT_TRUE(w.write(r));
    EXPECT_FALSE(w.write(LogRecord{"notice", {"too", "few"}}));
    ASSERT_TRUE(w.flush());
  }
  const auto l = lines(slurp(dir.path() + "/notice.log"));
  ASSERT_EQ(l.size(), 10u);
  EXPECT_EQ(l[0], "#separator \\x09");
  EXPECT_EQ(l[1], "#set_separator\t,");
  EXPECT_EQ(l[2], "#empty_field\t(empty)");
  EXPECT_EQ(l[3], "#unset_field\t-");
  EXPECT_EQ(l[4], "#path\tnotice");
  EXPECT_EQ(l[5].rfind("#open\t", 0), 0u);
  EXPECT_EQ(l[6], "#fields\tts\tnote\tmsg\tsub\tsrc\tdst\tp\tn\tpeer_descr\tactions\tsuppress_for");
  EXPECT_EQ(
      l[7],
      "#types\ttime\tenum\tstring\tstring\taddr\taddr\tport\tcount\tstring\tset[enum]\tinterval");
  EXPECT_EQ(l[8],
            "1.000000\tScan::Port_Scan\ta msg\t-\t10.0.0.1\t10.0.0.2\t-\t3\t-\tNotice::ACTION_LOG\t"
            "300.000000");
  EXPECT_EQ(l[9].rfind("#close\t", 0), 0u);
}

TEST(LogWriterTest, ReopensWhenRenamedAwayAndOnRequest) {
  bc::test::TempDir dir;
  LogWriter w(dir.path(), *log_schema("conn"));
  LogRecord r{"conn", std::vector<std::string>(log_schema("conn")->fields.size(), "-")};
  ASSERT_TRUE(w.write(r));
  ASSERT_TRUE(w.flush());
  // The collector's rotation: rename the file away.
  fs::rename(dir.path() + "/conn.log", dir.path() + "/conn.archived.log");
  ASSERT_TRUE(w.write(r));
  ASSERT_TRUE(w.flush());  // the record goes to the old file, then the writer reopens
  const auto archived = slurp(dir.path() + "/conn.archived.log");
  EXPECT_NE(archived.find("#close"), std::string::npos);
  ASSERT_TRUE(fs::exists(dir.path() + "/conn.log"));
  ASSERT_TRUE(w.write(r));
  ASSERT_TRUE(w.flush());
  auto fresh = lines(slurp(dir.path() + "/conn.log"));
  EXPECT_EQ(fresh[0], "#separator \\x09");
  EXPECT_EQ(fresh.size(), 9u);  // header + 1 record, still open
  // Removed entirely: reopened too.
  fs::remove(dir.path() + "/conn.log");
  ASSERT_TRUE(w.flush());
  EXPECT_TRUE(fs::exists(dir.path() + "/conn.log"));
  ASSERT_TRUE(w.reopen());
  ASSERT_TRUE(w.close());
  const auto text = slurp(dir.path() + "/conn.log");
  // header, #close of the first incarnation, header again, #close.
  EXPECT_EQ(lines(text).size(), 8u + 1u + 8u + 1u);
}

TEST(LogWriterTest, UnwritableDirIsNamed) {
  LogWriter w("/nonexistent-dir-for-test", *log_schema("dns"));
  const Status s = w.open();
  EXPECT_FALSE(s);
  EXPECT_NE(s.message().find("/nonexistent-dir-for-test/dns.log"), std::string::npos);
}

// Every log the engine produces, written by LogWriter, read back by bro-cut.
TEST(LogWriterTest, BroCutReadsEveryLog) {
  ASSERT_TRUE(fs::exists(kBroCut)) << "bro-cut (Debian bro-aux) is missing";
  bc::test::PcapBuilder b;
  bc::test::TcpSession t(b, "10.0.0.1", 40000, "198.18.0.80", 80);
  t.handshake(kT0);
  t.client_send(kT0 + 2000, bc::test::http_request("GET", "/x", "h.example", "ua, with comma"));
  t.server_send(kT0 + 3000, bc::test::http_response(200, "OK", "hello"));
  t.close(kT0 + 4000);
  b.udp(kT0 + 5000, "10.0.0.1", 33000, "198.18.0.53", 53, bc::test::dns_query(1, "a.example"));
  b.udp(
      kT0 + 6000, "198.18.0.53", 53, "10.0.0.1", 33000,
      bc::test::dns_response(1, "a.example", 1, 0, {{1, 30, "198.19.0.1"}, {1, 30, "198.19.0.2"}}));
  auto sink = run_engine(b);
  EngineSettings one;
  one.addr_scan_threshold = 0;  // off
  one.port_scan_threshold = 1;
  ScanDetector det(one);
  auto notice = det.observe(ScanObservation{kT0, "10.0.0.9", "10.0.0.8", 22, "tcp", false});
  ASSERT_TRUE(notice);
  sink.records.push_back(*notice);

  bc::test::TempDir dir;
  {
    std::map<std::string, std::unique_ptr<LogWriter>> writers;
    for (const auto& r : sink.records) {
      auto& w = writers[r.stream];
      if (!w) w = std::make_unique<LogWriter>(dir.path(), *log_schema(r.stream));
      ASSERT_TRUE(w->write(r));
    }
  }
  struct Want {
    const char* log;
    std::vector<std::string> cut;
    std::string out;
  };
  const Want wants[] = {
      {"conn",
       {"id.orig_h", "id.resp_p", "proto", "service", "conn_state"},
       "10.0.0.1\t80\ttcp\thttp\tSF\n10.0.0.1\t53\tudp\tdns\tSF\n"},
      {"http",
       {"method", "host", "user_agent", "status_code"},
       "GET\th.example\tua, with comma\t200\n"},
      {"dns",
       {"query", "answers", "TTLs"},
       "a.example\t198.19.0.1,198.19.0.2\t30.000000,30.000000\n"},
      {"notice", {"note", "src"}, "Scan::Port_Scan\t10.0.0.9\n"},
  };
  for (const auto& w : wants) {
    std::vector<std::string> argv = {kBroCut};
    argv.insert(argv.end(), w.cut.begin(), w.cut.end());
    bc::test::RunOptions ro;
    ro.stdin_data = slurp(dir.path() + "/" + w.log + ".log");
    const auto res = bc::test::run_process(argv, ro);
    EXPECT_EQ(res.exit_code, 0) << w.log << ": " << res.err;
    EXPECT_EQ(res.out, w.out) << w.log;
  }
  // -u: bro-cut converts the time column, which it can only do when it parsed the header.
  bc::test::RunOptions ro;
  ro.stdin_data = slurp(dir.path() + "/conn.log");
  ro.env = {{"TZ", "UTC"}};
  const auto res = bc::test::run_process({kBroCut, "-u", "ts"}, ro);
  EXPECT_EQ(res.out.substr(0, 19), "2023-11-14T22:13:20") << res.out << res.err;
}

}  // namespace
}  // namespace bc::node::test
