// Core files in crash records: the core a crash leaves in the node's working dir moves into
// its record (so the node's next crash cannot overwrite it), up to CrashCoreMaxSize; cores
// expire with their records; and a record says why it has no core when the kernel sent it
// elsewhere or wrote none.

#include <elf.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "common/file_util.h"
#include "supervisor/crash_recorder.h"
#include "supervisor/node_launcher.h"
#include "test_support.h"

namespace bc::sup {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::int64_t kT0 = 1'700'000'000'000'000;

// A crash test bench: a node's working dir, options pointing at it, and a core_pattern
// file of its own.
class CoreFilesTest : public ::testing::Test {
 protected:
  CoreFilesTest() {
    options_.host = "host3";
    options_.base_dir = dir_.path();
    options_.spool_dir = dir_.path() + "/spool";
    options_.tmp_dir = dir_.path() + "/spool/tmp";
    options_.core_pattern_file = dir_.path() + "/core_pattern";
    set_core_pattern("core\n");
    node_.spec.name = "worker-1";
    node_.spec.type = config::NodeType::kWorker;
    node_.spec.host = "host3";
    EXPECT_TRUE(ensure_dir(node_dir()));
  }

  std::string node_dir() const { return sup::node_dir(options_, node_.spec); }
  void set_core_pattern(const std::string& text) {
    ASSERT_TRUE(write_file_atomic(options_.core_pattern_file, text));
  }
  void write_core(const std::string& name, const std::string& content) {
    ASSERT_TRUE(write_file_atomic(node_dir() + "/" + name, content));
  }
  // The crash of `pid` by SIGSEGV with a core dumped, `seconds` after kT0.
  Result<msg::CrashReport> crash(pid_t pid, int seconds, bool core_dumped = true) {
    ExitInfo exit;
    exit.pid = pid;
    exit.signal = SIGSEGV;
    exit.core_dumped = core_dumped;
    node_.pid = pid;
    node_.started_at_us = kT0 + (seconds - 1) * 1'000'000LL;
    return write_crash_record(options_, node_, pid, exit, kT0 + seconds * 1'000'000LL);
  }
  std::size_t cores_kept() const {
    std::size_t n = 0;
    std::error_code ec;
    for (const auto& e : fs::recursive_directory_iterator(crash_root(options_, "worker-1"), ec))
      n += e.path().filename() == "core";
    return n;
  }

  testing::TempDir dir_;
  SupervisorOptions options_;
  Node node_;
};

TEST_F(CoreFilesTest, TheCoreMovesIntoTheRecordAndLeavesTheWorkingDir) {
  write_core("core", "core of pid 100");
  auto report = crash(100, 1);
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  ASSERT_TRUE(report->core_path);
  EXPECT_EQ(*report->core_path, report->record_dir + "/core");
  EXPECT_EQ(*read_file(*report->core_path), "core of pid 100");
  EXPECT_EQ(report->core_size, 15u);
  EXPECT_FALSE(report->core_note);
  EXPECT_FALSE(fs::exists(node_dir() + "/core"));
  EXPECT_TRUE(fs::is_empty(node_dir())) << "no .core-*.taken left behind";
  const std::string text = *read_file(report->record_dir + "/report.txt");
  EXPECT_THAT(text, HasSubstr("Core:       " + report->record_dir + "/core (15 bytes)"));
  // The record on disk says the same as the returned report.
  auto latest = latest_crash_record(options_, "worker-1");
  ASSERT_TRUE(latest.is_ok());
  EXPECT_EQ(latest->core_path, report->core_path);
}

// With core_pattern "core" every crash writes the same file: two crashes in a row keep
// two cores, each in its own record.
TEST_F(CoreFilesTest, TwoCrashesInARowKeepTwoCoresInTwoRecords) {
  write_core("core", "first crash");
  auto first = crash(100, 1);
  write_core("core", "second crash");
  auto second = crash(101, 2);
  ASSERT_TRUE(first.is_ok() && second.is_ok());
  ASSERT_TRUE(first->core_path && second->core_path);
  EXPECT_NE(first->record_dir, second->record_dir);
  EXPECT_EQ(*read_file(*first->core_path), "first crash");
  EXPECT_EQ(*read_file(*second->core_path), "second crash");
  EXPECT_EQ(cores_kept(), 2u);
}

// The core leaves the working dir when the crash is noticed (the snapshot, on the loop),
// not when the record is written later: a restarted node that crashes again at once writes
// its own core without touching the first.
TEST_F(CoreFilesTest, TheSnapshotTakesTheCoreBeforeTheNextRunCanOverwriteIt) {
  write_core("core", "crash one");
  ExitInfo exit;
  exit.pid = 100;
  exit.signal = SIGABRT;
  exit.core_dumped = true;
  node_.started_at_us = kT0;
  const CrashSnapshot snap = snapshot_crash(options_, node_, 100, exit, kT0 + 1'000'000);
  EXPECT_FALSE(fs::exists(node_dir() + "/core"));
  write_core("core", "crash two");  // the next run, before the first record is written
  auto report = write_crash_record(snap);
  ASSERT_TRUE(report.is_ok());
  ASSERT_TRUE(report->core_path);
  EXPECT_EQ(*read_file(*report->core_path), "crash one");
  EXPECT_EQ(*read_file(node_dir() + "/core"), "crash two");
}

TEST_F(CoreFilesTest, ACoreOverTheLimitIsNotKeptAndTheRecordSaysSo) {
  options_.crash_core_max_bytes = 10;
  write_core("core", std::string(100, 'x'));
  auto report = crash(100, 1);
  ASSERT_TRUE(report.is_ok());
  EXPECT_FALSE(report->core_path);
  EXPECT_EQ(report->core_size, 100u);
  ASSERT_TRUE(report->core_note);
  EXPECT_THAT(*report->core_note, HasSubstr("not kept"));
  EXPECT_THAT(*report->core_note, HasSubstr("larger than CrashCoreMaxSize"));
  EXPECT_FALSE(fs::exists(node_dir() + "/core"));
  EXPECT_TRUE(fs::is_empty(node_dir()));
  EXPECT_EQ(cores_kept(), 0u);
  EXPECT_THAT(*read_file(report->record_dir + "/report.txt"),
              HasSubstr("Core note:  core file of 100 bytes not kept: larger than "
                        "CrashCoreMaxSize (10 bytes)"));

  // At the limit it is kept; a limit of 0 keeps none.
  options_.crash_core_max_bytes = 100;
  write_core("core", std::string(100, 'y'));
  auto at_limit = crash(101, 2);
  ASSERT_TRUE(at_limit.is_ok());
  EXPECT_TRUE(at_limit->core_path);
  options_.crash_core_max_bytes = 0;
  write_core("core", "z");
  auto none = crash(102, 3);
  ASSERT_TRUE(none.is_ok());
  EXPECT_FALSE(none->core_path);
  EXPECT_THAT(none->core_note.value_or(""), HasSubstr("CrashCoreMaxSize is 0"));
}

// Records are pruned to the newest kKeepPerNode per node, and their cores go with them.
TEST_F(CoreFilesTest, CoresExpireWithTheirRecords) {
  for (int i = 0; i < kKeepPerNode + 2; ++i) {
    write_core("core", "core " + std::to_string(i));
    ASSERT_TRUE(crash(100 + i, i + 1).is_ok());
  }
  EXPECT_EQ(cores_kept(), static_cast<std::size_t>(kKeepPerNode));
  auto latest = latest_crash_record(options_, "worker-1");
  ASSERT_TRUE(latest.is_ok() && latest->core_path);
  EXPECT_EQ(*read_file(*latest->core_path), "core " + std::to_string(kKeepPerNode + 1));
}

TEST_F(CoreFilesTest, ACoreNamedWithThePidIsFoundToo) {
  write_core("core.100", "pid core");
  auto report = crash(100, 1);
  ASSERT_TRUE(report.is_ok() && report->core_path);
  EXPECT_EQ(*read_file(*report->core_path), "pid core");
  EXPECT_FALSE(fs::exists(node_dir() + "/core.100"));
}

// A pattern such as "core.%e.%p": any ELF core file written since the start is the core;
// other files written meanwhile (the node's logs) are not.
TEST_F(CoreFilesTest, OtherPatternsInTheWorkingDirAreFoundByTheirElfHeader) {
  set_core_pattern("core.%e.%p\n");
  std::string elf(64, '\0');
  std::copy(ELFMAG, ELFMAG + SELFMAG, elf.begin());
  elf[EI_CLASS] = ELFCLASS64;
  elf[EI_DATA] = ELFDATA2LSB;
  elf[EI_NIDENT] = ET_CORE;
  write_core("conn.log", "#fields ts uid\n");
  write_core("core.brocluster-nod.100", elf);
  auto report = crash(100, 1);
  ASSERT_TRUE(report.is_ok());
  ASSERT_TRUE(report->core_path) << report->core_note.value_or("");
  EXPECT_EQ(*read_file(*report->core_path), elf);
  EXPECT_TRUE(fs::exists(node_dir() + "/conn.log"));
}

TEST_F(CoreFilesTest, ACorePipedToSystemdCoredumpIsSaidToBeThere) {
  set_core_pattern("|/usr/lib/systemd/systemd-coredump %P %u %g %s %t %c %h\n");
  auto report = crash(100, 1);
  ASSERT_TRUE(report.is_ok());
  EXPECT_FALSE(report->core_path);
  ASSERT_TRUE(report->core_note);
  EXPECT_THAT(*report->core_note, HasSubstr("kernel.core_pattern is '|/usr/lib/systemd/"));
  EXPECT_THAT(*report->core_note, HasSubstr("coredumpctl"));
  EXPECT_THAT(*read_file(report->record_dir + "/report.txt"), HasSubstr("Core note:  no core"));
}

TEST_F(CoreFilesTest, ACoreWrittenToAnotherDirectoryIsSaidToBeThere) {
  set_core_pattern("/var/crash/core.%e.%p");
  auto report = crash(100, 1);
  ASSERT_TRUE(report.is_ok());
  EXPECT_THAT(report->core_note.value_or(""),
              HasSubstr("kernel.core_pattern is '/var/crash/core.%e.%p', so the core was "
                        "written there"));
}

TEST_F(CoreFilesTest, ASegfaultWithoutCoreBlamesTheCoreSizeLimit) {
  auto report = crash(100, 1, /*core_dumped=*/false);
  ASSERT_TRUE(report.is_ok());
  EXPECT_THAT(report->core_note.value_or(""), HasSubstr("ulimit -c"));
}

// A clean exit has no core to speak of, and an old core (from before this run started) is
// not this crash's.
TEST_F(CoreFilesTest, NoNoteForAnExitAndAnOldCoreIsLeftAlone) {
  write_core("core", "old");
  node_.stale_core_mtime_us = file_mtime_us(*open_node_dir(options_, node_.spec), "core");
  ExitInfo exit;
  exit.pid = 100;
  exit.exited = true;
  exit.exit_code = 1;
  auto report = write_crash_record(options_, node_, 100, exit, kT0);
  ASSERT_TRUE(report.is_ok());
  EXPECT_FALSE(report->core_path);
  EXPECT_FALSE(report->core_note);
  EXPECT_TRUE(fs::exists(node_dir() + "/core"));
}

// The node runs as our user and can swap its whole dir for a link (to a dir holding a core
// and logs of its choosing): the record is written, without a byte read or moved through
// the link, and says why it has no tails.
TEST_F(CoreFilesTest, ASymlinkedNodeDirIsNotFollowedAndTheRecordSaysWhy) {
  const std::string elsewhere = dir_.path() + "/elsewhere";
  ASSERT_TRUE(ensure_dir(elsewhere));
  ASSERT_TRUE(write_file_atomic(elsewhere + "/stderr.log", "SECRET\n"));
  ASSERT_TRUE(write_file_atomic(elsewhere + "/core", "SECRET core"));
  fs::remove_all(node_dir());
  fs::create_directory_symlink(elsewhere, node_dir());
  auto report = crash(100, 1);
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  const std::string why = "refusing directory '" + node_dir() + "': it is a symbolic link";
  EXPECT_THAT(report->stderr_tail, HasSubstr(why));
  EXPECT_THAT(report->stdout_tail, HasSubstr(why));
  EXPECT_FALSE(report->core_path);
  for (const auto& f : fs::recursive_directory_iterator(report->record_dir)) {
    EXPECT_THAT(*read_file(f.path().string()), Not(HasSubstr("SECRET"))) << f.path();
  }
  EXPECT_THAT(*read_file(report->record_dir + "/report.txt"), HasSubstr(why));
  // The link's target is as it was: its core neither taken nor moved.
  std::vector<std::string> names;
  for (const auto& f : fs::directory_iterator(elsewhere))
    names.push_back(f.path().filename().string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"core", "stderr.log"}));
}

// The same for the records: a link at TmpDir/crashes/<node> is refused, nothing is written
// where it points, and the error names it.
TEST_F(CoreFilesTest, ASymlinkedCrashRecordDirIsRefusedAndNothingWrittenThroughIt) {
  const std::string elsewhere = dir_.path() + "/elsewhere";
  ASSERT_TRUE(ensure_dir(elsewhere));
  ASSERT_TRUE(ensure_dir(options_.tmp_dir + "/crashes"));
  fs::create_directory_symlink(elsewhere, crash_root(options_, "worker-1"));
  write_core("core", "core of pid 100");
  auto report = crash(100, 1);
  ASSERT_FALSE(report.is_ok());
  EXPECT_THAT(report.status().message(),
              HasSubstr("refusing directory '" + crash_root(options_, "worker-1") +
                        "': it is a symbolic link"));
  EXPECT_TRUE(fs::is_empty(elsewhere));
  EXPECT_FALSE(latest_crash_record(options_, "worker-1").is_ok());
  EXPECT_THAT(crash_records_since(options_, "worker-1", 0), ::testing::IsEmpty());
}

TEST(CorePattern, IsClassifiedByWhereItSendsCores) {
  using Where = CorePattern::Where;
  EXPECT_EQ(parse_core_pattern("core\n").where, Where::kWorkingDir);
  EXPECT_EQ(parse_core_pattern("core\n").text, "core");
  EXPECT_EQ(parse_core_pattern("").text, "core");
  EXPECT_EQ(parse_core_pattern("%e.%p.core").where, Where::kWorkingDir);
  EXPECT_EQ(parse_core_pattern("|/usr/share/apport/apport %p").where, Where::kPipe);
  EXPECT_EQ(parse_core_pattern("/tmp/cores/core.%p").where, Where::kElsewhere);
  EXPECT_EQ(parse_core_pattern("cores/core.%p").where, Where::kElsewhere);
  EXPECT_EQ(read_core_pattern("/nonexistent/core_pattern").text, "core");
}

TEST(CorePattern, CoreSignalsAreTheOnesThatDumpCore) {
  EXPECT_TRUE(is_core_signal(SIGSEGV));
  EXPECT_TRUE(is_core_signal(SIGABRT));
  EXPECT_FALSE(is_core_signal(SIGKILL));
  EXPECT_FALSE(is_core_signal(SIGTERM));
}

}  // namespace
}  // namespace bc::sup
