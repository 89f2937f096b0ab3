// ZeekProbe with the real spawner and the fake zeek: the binary found in the node's PATH,
// its version asked once and again after the file changes, and the errors that name it.

#include "supervisor/zeek_probe.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "test_support.h"

namespace bc::sup {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class ZeekProbeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir_.path() + "/zeek/bin");
    install_fake();
  }
  void install_fake() {
    fs::copy_file(test::build_path("tests/fake_zeek/brocluster-fake-zeek"), zeek(),
                  fs::copy_options::overwrite_existing);
  }
  std::string zeek() const { return dir_.path() + "/zeek/bin/zeek"; }
  void version(const std::string& v) const {
    dir_.write("zeek/fake-zeek.cfg", "* version=" + v + "\n");
  }

  test::TempDir dir_;
  PosixSpawner spawner_;
  ZeekProbe probe_{spawner_, dir_.path() + "/scratch"};
};

TEST_F(ZeekProbeTest, FindsZeekInPathAndAsksItsVersionOncePerBinary) {
  version("7.0.2");
  const std::vector<std::string> env = {"PATH=/nonexistent:" + dir_.path() + "/zeek/bin"};
  auto found = probe_.find("zeek", env);
  ASSERT_TRUE(found.is_ok()) << found.status().message();
  EXPECT_EQ(found->path, fs::canonical(zeek()).string());
  EXPECT_EQ(found->share_dir, fs::canonical(dir_.path()).string() + "/zeek/share/zeek");
  EXPECT_EQ(found->version, (ZeekVersion{7, 0, 2}));
  // Same binary: the answer is kept, even if the binary would now say something else.
  version("8.2.1");
  EXPECT_EQ(probe_.find(zeek(), env)->version, (ZeekVersion{7, 0, 2}));
  // An upgrade (a new file) is asked again.
  fs::remove(zeek());
  install_fake();
  fs::last_write_time(zeek(), fs::file_time_type::clock::now() + std::chrono::seconds(5));
  EXPECT_EQ(probe_.find(zeek(), env)->version, (ZeekVersion{8, 2, 1}));
}

TEST_F(ZeekProbeTest, ErrorsNameTheProgram) {
  auto missing = probe_.find("zeek", {"PATH=" + dir_.path() + "/nowhere"});
  ASSERT_FALSE(missing.is_ok());
  EXPECT_THAT(missing.status().message(), HasSubstr("cannot find Zeek binary 'zeek'"));
  dir_.write("bin/notzeek", "#!/bin/sh\necho hello\n");
  fs::permissions(dir_.path() + "/bin/notzeek", fs::perms::owner_all);
  auto wrong = probe_.find(dir_.path() + "/bin/notzeek", {"PATH=/bin:/usr/bin"});
  ASSERT_FALSE(wrong.is_ok());
  EXPECT_THAT(wrong.status().message(), HasSubstr("printed no Zeek version: 'hello"));
}

// Against a real Zeek when this machine has one; says so when it does not.
TEST(RealZeek, AnswersItsVersionAndHasItsScriptsWhereWeLook) {
  const char* path = std::getenv("PATH");
  const std::vector<std::string> env = {std::string("PATH=") + (path ? path : "/usr/bin:/bin")};
  if (find_program("zeek", env).empty()) {
    GTEST_SKIP() << "no zeek on PATH: the test against a real Zeek was skipped";
  }
  test::TempDir scratch;
  PosixSpawner spawner;
  ZeekProbe probe(spawner, scratch.path());
  auto zeek = probe.find("zeek", env);
  ASSERT_TRUE(zeek.is_ok()) << zeek.status().message();
  EXPECT_GE(zeek->version, (ZeekVersion{3, 0, 0}));
  EXPECT_TRUE(fs::exists(zeek->share_dir + "/base/init-bare.zeek")) << zeek->share_dir;
}

}  // namespace
}  // namespace bc::sup
