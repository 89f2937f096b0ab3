// The supervisor's way into node dirs and crash records: a walk from a directory it is
// configured with, one component at a time, that refuses a symlink anywhere below it, and
// file operations relative to the directory it ends on.

#include "common/dir_fd.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "common/file_util.h"

namespace bc {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::string text_of(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A spool with a node dir in it, and a directory "outside" that no walk may reach.
class DirFdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/bc-dirfd.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    spool_ = root_ + "/spool";
    outside_ = root_ + "/outside";
    fs::create_directories(spool_ + "/worker-1");
    fs::create_directories(outside_ + "/sub");
    std::ofstream(outside_ + "/secret") << "SECRET\n";
    std::ofstream(outside_ + "/sub/secret") << "SECRET\n";
  }
  void TearDown() override { fs::remove_all(root_); }

  std::string root_, spool_, outside_;
};

TEST_F(DirFdTest, APlainPathIsWalkedAndItsFilesAreReachable) {
  auto dir = open_dir_nofollow(spool_, "worker-1");
  ASSERT_TRUE(dir.is_ok()) << dir.status().to_string();
  EXPECT_EQ(dir->path(), spool_ + "/worker-1");
  ASSERT_TRUE(write_file_in_place(*dir, "stderr.log", "boom\n", 0640));
  EXPECT_EQ(text_of(spool_ + "/worker-1/stderr.log"), "boom\n");
  EXPECT_EQ(tail_file(*dir, "stderr.log", 100), "boom\n");
  EXPECT_EQ(*read_file(*dir, "stderr.log"), "boom\n");
  ASSERT_TRUE(write_file_atomic(*dir, "report.txt", "r", 0600));
  EXPECT_EQ(text_of(spool_ + "/worker-1/report.txt"), "r");
  EXPECT_EQ(fs::status(spool_ + "/worker-1/report.txt").permissions(),
            fs::perms::owner_read | fs::perms::owner_write);
  ASSERT_TRUE(stat_at(*dir, "report.txt"));
  EXPECT_FALSE(stat_at(*dir, "missing"));
}

TEST_F(DirFdTest, MissingComponentsAreCreatedOnlyWhenAsked) {
  auto absent = open_dir_nofollow(spool_, "tmp/crashes/worker-1");
  ASSERT_FALSE(absent.is_ok());
  EXPECT_EQ(absent.status().code(), ErrorCode::kNotFound);
  EXPECT_THAT(absent.status().message(), HasSubstr(spool_ + "/tmp"));
  auto made = open_dir_nofollow(spool_, "tmp/crashes/worker-1", CreateDirs::kYes, 0750);
  ASSERT_TRUE(made.is_ok()) << made.status().to_string();
  EXPECT_TRUE(fs::is_directory(spool_ + "/tmp/crashes/worker-1"));
  // The base itself, too, when asked.
  auto base = open_dir_nofollow(root_ + "/new/base", "x", CreateDirs::kYes);
  ASSERT_TRUE(base.is_ok()) << base.status().to_string();
  EXPECT_TRUE(fs::is_directory(root_ + "/new/base/x"));
}

TEST_F(DirFdTest, ASymlinkedDirectoryIsRefusedWhereverItIsBelowTheBase) {
  fs::create_symlink(outside_, spool_ + "/worker-2");
  for (const char* below : {"worker-2", "worker-2/sub"}) {
    for (auto create : {CreateDirs::kNo, CreateDirs::kYes}) {
      auto dir = open_dir_nofollow(spool_, below, create);
      ASSERT_FALSE(dir.is_ok()) << below;
      EXPECT_EQ(dir.status().code(), ErrorCode::kPermissionDenied);
      EXPECT_THAT(dir.status().message(),
                  HasSubstr("refusing directory '" + spool_ + "/worker-2': it is a symbolic link"));
    }
  }
  // A link in the middle of the walk as well as at its end.
  fs::create_directories(spool_ + "/tmp/crashes");
  fs::create_symlink(outside_, spool_ + "/tmp/crashes/worker-1");
  auto record = open_dir_nofollow(spool_, "tmp/crashes/worker-1/rec-1", CreateDirs::kYes);
  ASSERT_FALSE(record.is_ok());
  EXPECT_THAT(record.status().message(), HasSubstr("'" + spool_ + "/tmp/crashes/worker-1'"));
  EXPECT_FALSE(fs::exists(outside_ + "/rec-1")) << "nothing created through the link";
  // The base is configuration: a link there is the operator's, and followed.
  fs::create_symlink(spool_, root_ + "/spool-link");
  EXPECT_TRUE(open_dir_nofollow(root_ + "/spool-link", "worker-1").is_ok());
}

TEST_F(DirFdTest, DotDotAndEmptyComponentsAreRefused) {
  for (const char* below : {"..", "worker-1/..", "worker-1//x", "./worker-1"}) {
    auto dir = open_dir_nofollow(spool_, below);
    ASSERT_FALSE(dir.is_ok()) << below;
    EXPECT_EQ(dir.status().code(), ErrorCode::kInvalidArgument) << below;
  }
  auto dir = open_dir_nofollow(spool_, "");
  ASSERT_TRUE(dir.is_ok());
  EXPECT_FALSE(open_file_at(*dir, "../outside/secret", O_RDONLY).is_ok());
}

TEST_F(DirFdTest, ASymlinkedFileIsRefusedForReadingAndWritingAndItsTargetUntouched) {
  auto dir = open_dir_nofollow(spool_, "worker-1");
  ASSERT_TRUE(dir.is_ok());
  fs::create_symlink(outside_ + "/secret", spool_ + "/worker-1/stderr.log");
  auto opened = open_file_at(*dir, "stderr.log", O_WRONLY | O_APPEND | O_CREAT, 0640, "log file");
  ASSERT_FALSE(opened.is_ok());
  EXPECT_THAT(opened.status().message(), HasSubstr("refusing log file '" + spool_ +
                                                   "/worker-1/stderr.log': it is a symbolic link"));
  EXPECT_FALSE(write_file_in_place(*dir, "stderr.log", "x").is_ok());
  EXPECT_FALSE(read_file(*dir, "stderr.log").is_ok());
  EXPECT_EQ(tail_file(*dir, "stderr.log", 100), "");
  auto to = open_dir_nofollow(spool_, "");
  EXPECT_FALSE(copy_file_prefix(*dir, "stderr.log", *to, "copy", 100).is_ok());
  EXPECT_FALSE(fs::exists(spool_ + "/copy"));
  EXPECT_EQ(text_of(outside_ + "/secret"), "SECRET\n");
}

TEST_F(DirFdTest, RemovingATreeRemovesLinksNotWhatTheyPointAt) {
  auto dir = open_dir_nofollow(spool_, "worker-1");
  ASSERT_TRUE(dir.is_ok());
  fs::create_directories(spool_ + "/worker-1/a/b");
  std::ofstream(spool_ + "/worker-1/a/b/f") << "x";
  fs::create_symlink(outside_, spool_ + "/worker-1/a/to-outside");
  fs::create_symlink(outside_ + "/secret", spool_ + "/worker-1/keep-me");
  fs::create_symlink(outside_ + "/secret", spool_ + "/worker-1/link");
  ASSERT_TRUE(clear_dir_at(*dir, {"keep-me"}));
  EXPECT_TRUE(fs::is_symlink(spool_ + "/worker-1/keep-me"));
  EXPECT_FALSE(fs::exists(spool_ + "/worker-1/a"));
  EXPECT_FALSE(fs::exists(fs::symlink_status(spool_ + "/worker-1/link")));
  EXPECT_EQ(text_of(outside_ + "/secret"), "SECRET\n");
  EXPECT_EQ(text_of(outside_ + "/sub/secret"), "SECRET\n");
  ASSERT_TRUE(remove_at(*dir, "keep-me"));
  EXPECT_TRUE(fs::is_empty(spool_ + "/worker-1"));
  EXPECT_TRUE(remove_at(*dir, "missing").is_ok());
}

TEST_F(DirFdTest, RenameAtMovesBetweenDirectoriesAndNamesBothOnFailure) {
  auto from = open_dir_nofollow(spool_, "worker-1");
  auto to = open_dir_nofollow(spool_, "tmp", CreateDirs::kYes);
  ASSERT_TRUE(from.is_ok() && to.is_ok());
  std::ofstream(spool_ + "/worker-1/core") << "core";
  ASSERT_TRUE(rename_at(*from, "core", *to, "core"));
  EXPECT_EQ(text_of(spool_ + "/tmp/core"), "core");
  int err = 0;
  const Status s = rename_at(*from, "core", *to, "core", &err);
  EXPECT_EQ(err, ENOENT);
  EXPECT_THAT(s.message(), HasSubstr(spool_ + "/worker-1/core"));
  EXPECT_THAT(s.message(), HasSubstr(spool_ + "/tmp/core"));
  EXPECT_EQ(list_dir(*to), std::vector<std::string>{"core"});
}

}  // namespace
}  // namespace bc
