#include "common/file_util.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>

#include "test_support.h"

namespace bc::sup {
namespace {

using testing::TempDir;

std::vector<std::string> entries(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

mode_t mode_of(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0;
}

// Restores the umask on scope exit.
class UmaskGuard {
 public:
  explicit UmaskGuard(mode_t m) : old_(::umask(m)) {}
  ~UmaskGuard() { ::umask(old_); }

 private:
  mode_t old_;
};

TEST(WriteFileAtomic, WritesContentWithExactModeAndNoTemporary) {
  TempDir tmp;
  UmaskGuard umask(077);  // the requested mode wins over the umask
  const std::string path = tmp / "state.json";
  ASSERT_TRUE(write_file_atomic(path, "hello\n", 0644));
  EXPECT_EQ(testing::slurp(path), "hello\n");
  EXPECT_EQ(mode_of(path), 0644U);
  ASSERT_TRUE(write_file_atomic(path, "replaced", 0600));
  EXPECT_EQ(testing::slurp(path), "replaced");
  EXPECT_EQ(mode_of(path), 0600U);
  EXPECT_EQ(entries(tmp.path()), std::vector<std::string>{"state.json"});
}

TEST(WriteFileAtomic, WithoutSyncIsStillAtomicForReaders) {
  TempDir tmp;
  const std::string path = tmp / "state";
  ASSERT_TRUE(write_file_atomic(path, "one", 0640, Durability::kNoSync));
  ASSERT_TRUE(write_file_atomic(path, "two", 0640, Durability::kNoSync));
  EXPECT_EQ(testing::slurp(path), "two");
  EXPECT_EQ(mode_of(path), 0640U);
  EXPECT_EQ(entries(tmp.path()), std::vector<std::string>{"state"});
}

TEST(WriteFileAtomic, EmptyContentIsFine) {
  TempDir tmp;
  ASSERT_TRUE(write_file_atomic(tmp / "empty", ""));
  EXPECT_EQ(testing::slurp(tmp / "empty"), "");
}

TEST(WriteFileInPlace, LongerThenShorterContentLeavesExactlyTheNewBytes) {
  TempDir tmp;
  const std::string path = tmp / ".pid";
  ASSERT_TRUE(write_file_in_place(path, "1234567\n"));
  ASSERT_TRUE(write_file_in_place(path, "89\n"));
  EXPECT_EQ(testing::slurp(path), "89\n");
  ASSERT_TRUE(write_file_in_place(path, "123456789012\n"));
  EXPECT_EQ(testing::slurp(path), "123456789012\n");
  EXPECT_EQ(entries(tmp.path()), std::vector<std::string>{".pid"});
  const Status s = write_file_in_place(tmp / "nope/.pid", "x");
  EXPECT_EQ(s.code(), ErrorCode::kIo);
  EXPECT_EQ(s.message(), "cannot write '" + tmp / "nope/.pid" + "': No such file or directory");
}

TEST(WriteFileAtomic, MissingDirectoryIsNamed) {
  TempDir tmp;
  const std::string path = tmp / "nope/state.json";
  Status s = write_file_atomic(path, "x");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.code(), ErrorCode::kIo);
  EXPECT_EQ(s.message(), "cannot write '" + path + "': No such file or directory");
}

TEST(WriteFileAtomic, ReadOnlyDirectoryKeepsTheOldFile) {
  TempDir tmp;
  const std::string dir = tmp / "ro";
  const std::string path = dir + "/state.json";
  ASSERT_EQ(::mkdir(dir.c_str(), 0755), 0);
  ASSERT_TRUE(write_file_atomic(path, "old"));
  ASSERT_EQ(::chmod(dir.c_str(), 0555), 0);
  ASSERT_EQ(::chmod(tmp.path().c_str(), 0755), 0);
  const std::string message = testing::run_in_child(
      [&] { return write_file_atomic(path, "new").message(); }, /*drop_privileges=*/true);
  EXPECT_EQ(message, "cannot write '" + path + "': Permission denied");
  EXPECT_EQ(testing::slurp(path), "old");
  EXPECT_EQ(entries(dir), std::vector<std::string>{"state.json"});
}

TEST(WriteFileAtomic, FailedWriteRemovesTheTemporaryAndKeepsTheOldFile) {
  // A full disk cannot be arranged portably; a file size limit fails write() the same way
  // (EFBIG instead of ENOSPC) in the middle of the content. In a child, so the limit and
  // the ignored SIGXFSZ do not outlive the test.
  TempDir tmp;
  const std::string path = tmp / "state.json";
  ASSERT_TRUE(write_file_atomic(path, "old"));
  const std::string message = testing::run_in_child(
      [&] {
        ::signal(SIGXFSZ, SIG_IGN);
        rlimit small{4096, RLIM_INFINITY};
        ::getrlimit(RLIMIT_FSIZE, &small);
        small.rlim_cur = 4096;
        ::setrlimit(RLIMIT_FSIZE, &small);
        return write_file_atomic(path, std::string(1 << 20, 'x')).message();
      },
      /*drop_privileges=*/false);
  EXPECT_EQ(message, "cannot write '" + path + "': File too large");
  EXPECT_EQ(testing::slurp(path), "old");
  EXPECT_EQ(entries(tmp.path()), std::vector<std::string>{"state.json"});
}

TEST(ReadFile, ReadsWholeFileAndClassifiesErrors) {
  TempDir tmp;
  testing::write_plain(tmp / "f", "abc\ndef\n");
  auto r = read_file(tmp / "f");
  ASSERT_TRUE(r) << r.status().to_string();
  EXPECT_EQ(*r, "abc\ndef\n");
  EXPECT_EQ(read_file(tmp / "missing").status().code(), ErrorCode::kNotFound);
  auto big = read_file(tmp / "f", 4);
  ASSERT_FALSE(big);
  EXPECT_EQ(big.status().code(), ErrorCode::kTooLarge);
  EXPECT_TRUE(read_file(tmp / "f", 8)) << "exactly max_bytes is allowed";
}

TEST(TailFile, ReturnsWholeSmallFile) {
  TempDir tmp;
  testing::write_plain(tmp / "log", "one\ntwo\n");
  EXPECT_EQ(tail_file(tmp / "log", 100), "one\ntwo\n");
  EXPECT_EQ(tail_file(tmp / "log", 8), "one\ntwo\n");
}

TEST(TailFile, StartsAtALineBoundary) {
  TempDir tmp;
  testing::write_plain(tmp / "log", "line1\nline2\nline3\n");
  EXPECT_EQ(tail_file(tmp / "log", 8), "line3\n");  // window "2\nline3\n"
  EXPECT_EQ(tail_file(tmp / "log", 12), "line2\nline3\n");
}

TEST(TailFile, FallsBackToRawBytesWithoutAUsefulNewline) {
  TempDir tmp;
  testing::write_plain(tmp / "long", "abcdefghij");
  EXPECT_EQ(tail_file(tmp / "long", 4), "ghij");
  testing::write_plain(tmp / "end", "xxxxxxxx\n");
  EXPECT_EQ(tail_file(tmp / "end", 3), "xx\n");
}

TEST(TailFile, MissingOrZeroIsEmpty) {
  TempDir tmp;
  EXPECT_EQ(tail_file(tmp / "missing", 100), "");
  testing::write_plain(tmp / "log", "x\n");
  EXPECT_EQ(tail_file(tmp / "log", 0), "");
}

TEST(EnsureDir, CreatesNestedDirectoriesIdempotently) {
  TempDir tmp;
  const std::string dir = tmp / "spool/worker-1/sub";
  ASSERT_TRUE(ensure_dir(dir, 0750));
  EXPECT_TRUE(std::filesystem::is_directory(dir));
  EXPECT_EQ(mode_of(dir) & ~0750U, 0U);
  EXPECT_TRUE(ensure_dir(dir, 0750));
  EXPECT_TRUE(ensure_dir(dir + "/", 0750)) << "trailing slash";
}

TEST(EnsureDir, FileInTheWayIsNamed) {
  TempDir tmp;
  testing::write_plain(tmp / "file", "");
  Status s = ensure_dir(tmp / "file");
  EXPECT_EQ(s.message(), "cannot create directory '" + (tmp / "file") + "': Not a directory");
  s = ensure_dir(tmp / "file/sub");
  EXPECT_EQ(s.message(), "cannot create directory '" + (tmp / "file/sub") + "': Not a directory");
  EXPECT_EQ(ensure_dir("").code(), ErrorCode::kInvalidArgument);
}

TEST(EnsureDir, UnwritableDirectoryIsNamed) {
  TempDir tmp;
  const std::string dir = tmp / "locked";
  ASSERT_EQ(::mkdir(dir.c_str(), 0555), 0);
  ASSERT_EQ(::chmod(tmp.path().c_str(), 0755), 0);
  EXPECT_EQ(testing::run_in_child([&] { return ensure_dir(dir).message(); },
                                  /*drop_privileges=*/true),
            "directory '" + dir + "' is not writable: Permission denied");
}

}  // namespace
}  // namespace bc::sup
