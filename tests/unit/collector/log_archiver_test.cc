// LogArchiver: rotation of the manager's logs into LogDir/<day>/, discarding of worker and
// proxy logs, gzip, failures that leave the data in place, and expiry of old day dirs.

#include "collector/log_archiver.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include <gtest/gtest.h>

#include "test_util.h"

namespace bc::collector {
namespace {

namespace fs = std::filesystem;
using testing::exists;
using testing::list_dir;
using testing::local_time;
using testing::slurp;
using testing::TempDir;
using testing::write_file;
using Strings = std::vector<std::string>;

// An interval across midnight: the day dir is the day the interval started.
const auto kStart = local_time(2023, 3, 4, 22, 0, 0);
const auto kEnd = local_time(2023, 3, 5, 1, 30, 5);
constexpr char kDay[] = "2023-03-04";
constexpr char kTimes[] = "22:00:00-01:30:05";

std::string joined(const Strings& v) {
  std::string s;
  for (const auto& x : v)
    s += x + "\n";
  return s;
}

class LogArchiverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    spool_ = dir_ / "spool";
    manager_ = spool_ + "/manager";
    worker_ = spool_ + "/worker-1";
    proxy_ = spool_ + "/proxy-1";
    logs_ = dir_ / "logs";
    const std::time_t old = std::chrono::system_clock::to_time_t(kStart) - 3600;
    for (const auto& [path, text] : std::vector<std::pair<std::string, std::string>>{
             {manager_ + "/conn.log", "conn 1\nconn 2\n"},
             {manager_ + "/dns.log", "dns 1\n"},
             {manager_ + "/stdout.log", "node stdout\n"},
             {manager_ + "/stderr.log", "node stderr\n"},
             {manager_ + "/notes.txt", "not a log\n"},
             {worker_ + "/conn.log", "worker conn\n"},
             {worker_ + "/stdout.log", "worker stdout\n"},
             {proxy_ + "/weird.log", "proxy weird\n"}}) {
      write_file(path, text);
      testing::set_mtime(path, old);  // written during the interval, before its end
    }
    fs::create_directories(manager_ + "/sub.log");  // not a regular file: left alone
    fs::create_symlink(dir_ / "outside.log", manager_ + "/link.log");
  }

  ArchiveSettings settings(bool compress) const {
    return ArchiveSettings{manager_, {worker_, proxy_}, logs_, compress, 30};
  }
  std::string archived(const std::string& stem, bool gz) const {
    return logs_ + "/" + kDay + "/" + stem + "." + kTimes + (gz ? ".log.gz" : ".log");
  }

  TempDir dir_;
  std::string spool_, manager_, worker_, proxy_, logs_;
};

TEST(LogArchiverNames, DayDirAndArchiveNameUseLocalTime) {
  EXPECT_EQ(LogArchiver::day_dir_name(kStart), "2023-03-04");
  EXPECT_EQ(LogArchiver::day_dir_name(kEnd), "2023-03-05");
  EXPECT_EQ(LogArchiver::archive_name("conn.log", kStart, kEnd, false),
            "conn.22:00:00-01:30:05.log");
  EXPECT_EQ(LogArchiver::archive_name("http.log", kStart, kEnd, true),
            "http.22:00:00-01:30:05.log.gz");
}

TEST_F(LogArchiverTest, RotateMovesManagerLogsAndDiscardsWorkerAndProxyLogs) {
  LogArchiver a(settings(false));
  const ArchiveReport r = a.rotate(kStart, kEnd);
  EXPECT_TRUE(r.errors.empty()) << joined(r.errors);
  EXPECT_EQ(r.archived, (Strings{archived("conn", false), archived("dns", false)}));
  EXPECT_EQ(r.discarded, (Strings{worker_ + "/conn.log", proxy_ + "/weird.log"}));
  EXPECT_TRUE(r.expired.empty());
  EXPECT_EQ(slurp(archived("conn", false)), "conn 1\nconn 2\n");
  EXPECT_EQ(slurp(archived("dns", false)), "dns 1\n");
  // The node program's own output, other files, dirs and symlinks stay.
  EXPECT_EQ(list_dir(manager_),
            (Strings{"link.log", "notes.txt", "stderr.log", "stdout.log", "sub.log"}));
  EXPECT_EQ(list_dir(worker_), Strings{"stdout.log"});
  EXPECT_EQ(list_dir(proxy_), Strings{});
  EXPECT_EQ(slurp(manager_ + "/stdout.log"), "node stdout\n");
}

TEST_F(LogArchiverTest, CompressedArchivesAreReadableByGzip) {
  std::string big;
  for (int i = 0; i < 20000; ++i)
    big += "1700000000." + std::to_string(i) + " 10.0.0.1 10.0.0.2 tcp " + std::to_string(i * 7) +
           "\n";  // > 64 KiB: several chunks through zlib
  write_file(manager_ + "/conn.log", big);
  LogArchiver a(settings(true));
  const ArchiveReport r = a.rotate(kStart, kEnd);
  EXPECT_TRUE(r.errors.empty()) << joined(r.errors);
  ASSERT_EQ(r.archived, (Strings{archived("conn", true), archived("dns", true)}));
  EXPECT_EQ(testing::run_shell("gzip -dc '" + archived("conn", true) + "'"), big);
  EXPECT_EQ(testing::run_shell("gzip -dc '" + archived("dns", true) + "'"), "dns 1\n");
  EXPECT_EQ(testing::run_shell("gzip -t '" + archived("conn", true) + "' && echo intact"),
            "intact\n");
  // No staging or temporary files are left anywhere.
  EXPECT_EQ(list_dir(manager_),
            (Strings{"link.log", "notes.txt", "stderr.log", "stdout.log", "sub.log"}));
  EXPECT_EQ(list_dir(logs_ + "/" + kDay), (Strings{"conn." + std::string(kTimes) + ".log.gz",
                                                   "dns." + std::string(kTimes) + ".log.gz"}));
}

TEST_F(LogArchiverTest, ATakenNameGetsANumber) {
  LogArchiver a(settings(false));
  ASSERT_EQ(a.rotate(kStart, kEnd).archived.size(), 2u);
  write_file(manager_ + "/conn.log", "second\n");
  const ArchiveReport r = a.rotate(kStart, kEnd);
  EXPECT_TRUE(r.errors.empty()) << joined(r.errors);
  const std::string second = logs_ + "/" + kDay + "/conn." + kTimes + ".1.log";
  EXPECT_EQ(r.archived, Strings{second});
  EXPECT_EQ(slurp(second), "second\n");
  EXPECT_EQ(slurp(archived("conn", false)), "conn 1\nconn 2\n");
}

TEST_F(LogArchiverTest, NothingToRotateCreatesNoDayDir) {
  LogArchiver a(ArchiveSettings{dir_ / "spool/none", {dir_ / "spool/none2"}, logs_, true, 30});
  const ArchiveReport r = a.rotate(kStart, kEnd);
  EXPECT_TRUE(r.errors.empty()) << joined(r.errors);  // a node that never ran: no logs
  EXPECT_TRUE(r.archived.empty());
  EXPECT_FALSE(exists(logs_));
}

TEST_F(LogArchiverTest, UncreatableDayDirLeavesEveryFileInPlace) {
  write_file(logs_ + "/" + kDay, "a file where the day dir belongs");
  LogArchiver a(settings(true));
  const ArchiveReport r = a.rotate(kStart, kEnd);
  ASSERT_EQ(r.errors.size(), 2u) << joined(r.errors);
  EXPECT_NE(r.errors[0].find(manager_ + "/conn.log"), std::string::npos) << r.errors[0];
  EXPECT_NE(r.errors[0].find("left in place"), std::string::npos) << r.errors[0];
  EXPECT_NE(r.errors[1].find(manager_ + "/dns.log"), std::string::npos) << r.errors[1];
  EXPECT_TRUE(r.archived.empty());
  EXPECT_EQ(slurp(manager_ + "/conn.log"), "conn 1\nconn 2\n");
  EXPECT_EQ(slurp(manager_ + "/dns.log"), "dns 1\n");
  EXPECT_EQ(r.discarded.size(), 2u);  // discarding does not depend on LogDir
}

TEST_F(LogArchiverTest, FailedCompressionPutsTheFileBack) {
  // The temporary the archive is written to cannot be created: a dir is in its way.
  fs::create_directories(logs_ + "/" + kDay + "/.conn." + kTimes + ".log.gz.tmp");
  LogArchiver a(settings(true));
  const ArchiveReport r = a.rotate(kStart, kEnd);
  ASSERT_EQ(r.errors.size(), 1u) << joined(r.errors);
  EXPECT_NE(r.errors[0].find("cannot archive '" + manager_ + "/conn.log'"), std::string::npos)
      << r.errors[0];
  EXPECT_NE(r.errors[0].find("left as '" + manager_ + "/conn.log'"), std::string::npos)
      << r.errors[0];
  EXPECT_EQ(r.archived, Strings{archived("dns", true)});
  EXPECT_EQ(slurp(manager_ + "/conn.log"), "conn 1\nconn 2\n");
  EXPECT_FALSE(exists(archived("conn", true)));
}

// When a failed archival cannot put a file back (the node has recreated its name), the data
// stays as <name>.rotating-<time>.log: still a *.log, so the next rotation archives it.
TEST_F(LogArchiverTest, LeftoverStagedFileIsArchivedByTheNextRotation) {
  write_file(manager_ + "/conn.rotating-1678000000.log", "left over\n");
  LogArchiver a(settings(true));
  const ArchiveReport r = a.rotate(kStart, kEnd);
  EXPECT_TRUE(r.errors.empty()) << joined(r.errors);
  EXPECT_EQ(r.archived.size(), 3u);
  EXPECT_EQ(testing::run_shell("gzip -dc '" + archived("conn.rotating-1678000000", true) + "'"),
            "left over\n");
}

TEST_F(LogArchiverTest, UnreadableAndUnmovableFilesAreReportedNotLost) {
  // Root ignores permissions: as root, the rotation runs as nobody on a tree nobody owns.
  const bool root = ::geteuid() == 0;
  ASSERT_EQ(::chmod(dir_.path().c_str(), 0755), 0);
  if (root) {
    for (const auto& e : fs::recursive_directory_iterator(dir_.path())) {
      ASSERT_EQ(::lchown(e.path().c_str(), 65534, 65534), 0);
    }
    ASSERT_EQ(::lchown(dir_.path().c_str(), 65534, 65534), 0);
  }
  ASSERT_EQ(::chmod((manager_ + "/conn.log").c_str(), 0), 0);  // unreadable
  ASSERT_EQ(::chmod(worker_.c_str(), 0555), 0);                // nothing in it can go
  const std::string result = testing::run_in_child(
      [&] {
        LogArchiver a(settings(true));
        const ArchiveReport r = a.rotate(kStart, kEnd);
        return joined(r.archived) + "--\n" + joined(r.discarded) + "--\n" + joined(r.errors);
      },
      /*as_nobody=*/root);
  EXPECT_NE(result.find(archived("dns", true) + "\n--\n" + proxy_ + "/weird.log\n--\n"),
            std::string::npos)
      << result;
  EXPECT_NE(result.find("cannot archive '" + manager_ + "/conn.log': cannot open"),
            std::string::npos)
      << result;
  EXPECT_NE(result.find("Permission denied; left as '" + manager_ + "/conn.log'"),
            std::string::npos)
      << result;
  EXPECT_NE(result.find("cannot discard '" + worker_ + "/conn.log': Permission denied"),
            std::string::npos)
      << result;
  ::chmod((manager_ + "/conn.log").c_str(), 0644);
  EXPECT_EQ(slurp(manager_ + "/conn.log"), "conn 1\nconn 2\n");
  EXPECT_EQ(slurp(worker_ + "/conn.log"), "worker conn\n");
}

TEST_F(LogArchiverTest, UnsetLogDirMovesNothing) {
  LogArchiver a(ArchiveSettings{manager_, {}, "", false, 30});
  const ArchiveReport r = a.rotate(kStart, kEnd);
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_NE(r.errors[0].find("LogDir is not set"), std::string::npos);
  EXPECT_TRUE(exists(manager_ + "/conn.log"));
  EXPECT_FALSE(a.expire(kEnd).errors.empty());
}

// ---- expire ----------------------------------------------------------------------------

class LogExpireTest : public ::testing::Test {
 protected:
  std::string day(const std::chrono::system_clock::time_point t) const {
    return logs_ + "/" + LogArchiver::day_dir_name(t);
  }
  void make_day(const std::string& path, std::time_t mtime) {
    write_file(path + "/conn.00:00:00-01:00:00.log.gz", "x");
    testing::set_mtime(path + "/conn.00:00:00-01:00:00.log.gz", mtime);
    testing::set_mtime(path, mtime);
  }

  TempDir dir_;
  std::string logs_ = dir_ / "logs";
  std::chrono::system_clock::time_point now_ = local_time(2024, 3, 31, 12, 0, 0);
  std::time_t now_t_ = std::chrono::system_clock::to_time_t(now_);
};

TEST_F(LogExpireTest, RemovesOnlyDirsOlderThanTheInterval) {
  using std::chrono::days;
  const std::time_t recent = now_t_ - 3600;
  const std::time_t ancient = now_t_ - 90 * 86400;
  make_day(day(now_ - days(40)), recent);  // by name, however fresh its mtime
  make_day(day(now_ - days(31)), recent);
  make_day(day(now_ - days(30)), ancient);  // kept by name, however old its mtime
  make_day(day(now_ - days(29)), recent);
  make_day(day(now_), recent);
  make_day(logs_ + "/misc-old", ancient);  // no date in the name: by mtime
  make_day(logs_ + "/misc-new", ancient);
  write_file(logs_ + "/misc-new/fresh.log", "fresh");  // something new inside: kept
  write_file(logs_ + "/old.log.gz", "flat");
  testing::set_mtime(logs_ + "/old.log.gz", ancient);
  make_day(logs_ + "/.hidden", ancient);
  // A symlink to a dir outside LogDir, itself old: never followed, never removed.
  make_day(dir_ / "outside", ancient);
  fs::create_symlink(dir_ / "outside", logs_ + "/link-old");
  testing::set_mtime(logs_ + "/link-old", ancient);
  // An old non-date dir holding a symlink to the outside: the dir goes, the target stays.
  make_day(logs_ + "/misc-link", ancient);
  fs::create_symlink(dir_ / "outside", logs_ + "/misc-link/out");
  testing::set_mtime(logs_ + "/misc-link/out", ancient);
  testing::set_mtime(logs_ + "/misc-link", ancient);

  LogArchiver a(ArchiveSettings{"", {}, logs_, false, 30});
  const ArchiveReport r = a.expire(now_);
  EXPECT_TRUE(r.errors.empty()) << joined(r.errors);
  EXPECT_EQ(r.expired, (Strings{day(now_ - days(40)), day(now_ - days(31)), logs_ + "/misc-link",
                                logs_ + "/misc-old", logs_ + "/old.log.gz"}));
  EXPECT_EQ(list_dir(logs_),
            (Strings{".hidden", "2024-03-01", "2024-03-02", "2024-03-31", "link-old", "misc-new"}));
  EXPECT_EQ(list_dir(dir_ / "outside"), Strings{"conn.00:00:00-01:00:00.log.gz"});
  EXPECT_TRUE(a.expire(now_).expired.empty());  // idempotent
}

TEST_F(LogExpireTest, ZeroDaysKeepsForEver) {
  make_day(day(now_ - std::chrono::days(4000)), now_t_ - 4000 * 86400);
  LogArchiver a(ArchiveSettings{"", {}, logs_, false, 0});
  const ArchiveReport r = a.expire(now_);
  EXPECT_TRUE(r.expired.empty());
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(list_dir(logs_).size(), 1u);
}

TEST_F(LogExpireTest, MissingLogDirIsNotAnError) {
  LogArchiver a(ArchiveSettings{"", {}, dir_ / "nope", false, 30});
  const ArchiveReport r = a.expire(now_);
  EXPECT_TRUE(r.errors.empty()) << joined(r.errors);
  EXPECT_TRUE(r.expired.empty());
}

TEST_F(LogExpireTest, RotateThenExpireRoundTrip) {
  // Archives of a rotation 45 days ago expire; those of yesterday stay.
  const std::string spool = dir_ / "spool/manager";
  LogArchiver a(ArchiveSettings{spool, {}, logs_, true, 30});
  write_file(spool + "/conn.log", "old\n");
  ASSERT_EQ(a.rotate(now_ - std::chrono::days(45), now_ - std::chrono::days(44)).archived.size(),
            1u);
  write_file(spool + "/conn.log", "new\n");
  ASSERT_EQ(a.rotate(now_ - std::chrono::days(1), now_).archived.size(), 1u);
  const ArchiveReport r = a.expire(now_);
  EXPECT_EQ(r.expired, Strings{day(now_ - std::chrono::days(45))});
  EXPECT_EQ(list_dir(logs_), Strings{LogArchiver::day_dir_name(now_ - std::chrono::days(1))});
}

}  // namespace
}  // namespace bc::collector
