// Bundle paths, manifests, bundle building and the wire args: everything before bytes
// reach a host.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "install/bundle_builder.h"
#include "install/bundle_path.h"
#include "install/manifest.h"
#include "install/sha256.h"
#include "install/wire.h"
#include "temp_dir.h"

namespace bc::install {
namespace {

using testing::TempDir;
using testing::write_file;

FileEntry entry(std::string path, std::string content, std::uint32_t mode = 0644) {
  return {std::move(path), mode, content.size(), sha256_hex(content)};
}

TEST(Sha256, KnownDigest) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(is_sha256_hex(sha256_hex("")));
  EXPECT_FALSE(is_sha256_hex("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"));
}

TEST(BundlePath, AcceptsPathsUnderTheFiveTopDirs) {
  for (const char* p : {"etc/node.cfg", "policy/a/b.bro", "site/1/local.bro", "auto/x", "bin/bro",
                        "site/2/with space.bro", "policy/.hidden"}) {
    EXPECT_TRUE(validate_bundle_path(p).is_ok()) << p;
  }
}

TEST(BundlePath, RejectsHostilePaths) {
  using namespace std::string_literals;
  for (const std::string& p :
       {""s, "../x"s, "/etc/passwd"s, "etc/../../x"s, "etc/./x"s, "etc//x"s, "etc/x/"s, "etc"s,
        "x/y"s, "etc\\x"s, "etc/a\0b"s, "etc/a\nb"s, "etc/\x7f"s, "./etc/x"s, "etc/.."s}) {
    EXPECT_EQ(validate_bundle_path(p).code(), ErrorCode::kInvalidArgument) << p;
  }
  EXPECT_EQ(validate_bundle_path("etc/" + std::string(kMaxPathBytes, 'a')).code(),
            ErrorCode::kTooLarge);
  const std::string part(kMaxComponentBytes, 'a');
  const std::string longest = "etc/" + part + "/" + part + "/" + part + "/" +
                              std::string(kMaxPathBytes - 4 - 3 * (part.size() + 1), 'a');
  ASSERT_EQ(longest.size(), kMaxPathBytes);
  EXPECT_TRUE(validate_bundle_path(longest).is_ok());
}

// Regression (fuzzing, docs/FUZZING.md): a component longer than NAME_MAX passed the
// manifest check, so the receiver asked for the file and then failed on its first chunk
// with ENAMETOOLONG. It is refused with the manifest now.
TEST(BundlePath, RejectsComponentsLongerThanNameMax) {
  const std::string part(kMaxComponentBytes, 'p');
  EXPECT_TRUE(validate_bundle_path("etc/" + part).is_ok());
  const Status s = validate_bundle_path("etc/" + part + "p");
  EXPECT_EQ(s.code(), ErrorCode::kTooLarge);
  EXPECT_NE(s.message().find("component longer than 255 bytes"), std::string::npos);
  EXPECT_EQ(validate_bundle_path("policy/" + part + "p/x.bro").code(), ErrorCode::kTooLarge);
}

TEST(Manifest, SameContentSameVersionOneByteChangesIt) {
  Result<Manifest> a = make_manifest({entry("policy/b", "two"), entry("etc/node.cfg", "one")});
  Result<Manifest> b = make_manifest({entry("etc/node.cfg", "one"), entry("policy/b", "two")});
  Result<Manifest> c = make_manifest({entry("etc/node.cfg", "one"), entry("policy/b", "twO")});
  Result<Manifest> d =
      make_manifest({entry("etc/node.cfg", "one"), entry("policy/b", "two", 0755)});
  ASSERT_TRUE(a && b && c && d);
  EXPECT_EQ(a->version, b->version);
  EXPECT_NE(a->version, c->version);
  EXPECT_NE(a->version, d->version);
  EXPECT_EQ(a->files[0].path, "etc/node.cfg");
  EXPECT_TRUE(is_sha256_hex(a->version));
}

TEST(Manifest, CanonicalTextAndParse) {
  Result<Manifest> m = make_manifest({entry("bin/bro", "x", 0755), entry("etc/a b", "")});
  ASSERT_TRUE(m);
  const std::string text = manifest_text(m->files);
  EXPECT_EQ(text, sha256_hex("x") + " 0755 1 bin/bro\n" + sha256_hex("") + " 0644 0 etc/a b\n");
  EXPECT_EQ(m->version, sha256_hex(text));
  Result<Manifest> parsed = parse_manifest_text(text);
  ASSERT_TRUE(parsed) << parsed.status().to_string();
  EXPECT_EQ(parsed->files, m->files);
  EXPECT_EQ(parsed->version, m->version);
  EXPECT_FALSE(parse_manifest_text("garbage\n"));
}

Manifest forge(std::vector<FileEntry> files) {
  Manifest m;
  m.files = std::move(files);
  m.version = sha256_hex(manifest_text(m.files));
  return m;
}

TEST(Manifest, ValidationRejectsBadManifests) {
  const FileEntry ok = entry("etc/a", "a");
  EXPECT_TRUE(validate_manifest(forge({ok})).is_ok());
  Manifest wrong_version = forge({ok});
  wrong_version.version = sha256_hex("other");
  EXPECT_EQ(validate_manifest(wrong_version).code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(validate_manifest(forge({ok, ok})));                    // duplicate
  EXPECT_FALSE(validate_manifest(forge({entry("etc/b", ""), ok})));    // unsorted
  EXPECT_FALSE(validate_manifest(forge({ok, entry("etc/a/b", "")})));  // file and dir
  FileEntry bad_mode = ok;
  bad_mode.mode = 04755;
  EXPECT_FALSE(validate_manifest(forge({bad_mode})));
  FileEntry bad_sha = ok;
  bad_sha.sha256 = "xyz";
  EXPECT_FALSE(validate_manifest(forge({bad_sha})));
  FileEntry huge = ok;
  huge.size = kMaxFileBytes + 1;
  const Status s = validate_manifest(forge({huge}));
  EXPECT_EQ(s.code(), ErrorCode::kTooLarge);
  EXPECT_NE(s.message().find("etc/a"), std::string::npos) << s.message();
  std::vector<FileEntry> big;
  for (int i = 0; i < 5; ++i) {
    big.push_back(entry("bin/" + std::to_string(i), ""));
    big.back().size = kMaxFileBytes;
  }
  EXPECT_EQ(validate_manifest(forge(big)).code(), ErrorCode::kTooLarge);  // 1.25 GiB total
}

TEST(Manifest, TooManyFiles) {
  std::vector<FileEntry> files;
  for (std::size_t i = 0; i <= kMaxFiles; ++i) {
    char name[32];
    std::snprintf(name, sizeof(name), "auto/%06zu", i);
    files.push_back(entry(name, ""));
  }
  const Status s = validate_manifest(forge(files));
  EXPECT_EQ(s.code(), ErrorCode::kTooLarge);
  EXPECT_NE(s.message().find("20001"), std::string::npos) << s.message();
}

TEST(Wire, BeginArgsRoundTrip) {
  Result<Manifest> m = make_manifest({entry("bin/bro", "x", 0755), entry("etc/a", "")});
  ASSERT_TRUE(m);
  Result<Manifest> back = parse_begin_args(begin_args(*m));
  ASSERT_TRUE(back) << back.status().to_string();
  EXPECT_EQ(back->files, m->files);
  EXPECT_EQ(back->version, m->version);
  EXPECT_EQ(parse_begin_args(msg::Value("x")).status().code(), ErrorCode::kBadMessage);
  msg::Value no_files = msg::Value::empty_map();
  no_files.set("version", "v");
  EXPECT_EQ(parse_begin_args(no_files).status().code(), ErrorCode::kBadMessage);

  const msg::Value chunk = chunk_args("v", "etc/a", 7, "data");
  Result<ChunkArgs> c = parse_chunk_args(chunk);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->path, "etc/a");
  EXPECT_EQ(c->offset, 7u);
  EXPECT_EQ(c->data, "data");
  EXPECT_EQ(parse_commit_args(commit_args("v")).value_or(""), "v");
}

class BuildBundle : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file(dir / "etc/node.cfg", "[worker-1]\n");
    write_file(dir / "etc/cluster.cfg", "MailTo=x\n");
    write_file(dir / "etc/other.cfg", "not bundled\n");
    write_file(dir / "policy/base/main.bro", "event bro_init() {}\n");
    write_file(dir / "policy/tool.sh", "#!/bin/sh\n", 0750);
    write_file(dir / "policy/main.bro~", "backup\n");
    write_file(dir / "policy/.#main.bro", "lock\n");
    write_file(dir / "policy/.hidden/x", "hidden\n");
    write_file(dir / "site1/local.bro", "@load x\n");
    write_file(dir / "site2/local.bro", "@load y\n");
    write_file(dir / "bro", "ELF", 0755);
    sources.etc_dir = dir / "etc";
    sources.policy_dir = dir / "policy";
    sources.site_dirs = {dir / "site1", dir / "site2"};
    sources.generated = {{"auto/networks.bro", "redef x;\n"}};
    sources.binaries = {{"bro", dir / "bro"}};
  }
  TempDir dir;
  BundleSources sources;
};

TEST_F(BuildBundle, APrivateSourceStaysPrivate) {
  write_file(dir / "etc/cluster.cfg", "CFlowPassword=x\n", 0600);
  write_file(dir / "policy/private.sh", "#!/bin/sh\n", 0700);
  Result<Bundle> b = build_bundle(sources);
  ASSERT_TRUE(b) << b.status().to_string();
  for (const FileEntry& f : b->manifest.files) {
    if (f.path == "etc/cluster.cfg") {
      EXPECT_EQ(f.mode, 0600u);
    }
    if (f.path == "policy/private.sh") {
      EXPECT_EQ(f.mode, 0700u);
    }
  }
  EXPECT_TRUE(validate_manifest(b->manifest));
}

TEST_F(BuildBundle, LayoutModesAndSkippedFiles) {
  Result<Bundle> b = build_bundle(sources);
  ASSERT_TRUE(b) << b.status().to_string();
  std::vector<std::string> paths;
  for (const FileEntry& f : b->manifest.files)
    paths.push_back(f.path);
  EXPECT_EQ(paths,
            (std::vector<std::string>{"auto/networks.bro", "bin/bro", "etc/cluster.cfg",
                                      "etc/node.cfg", "policy/base/main.bro", "policy/tool.sh",
                                      "site/1/local.bro", "site/2/local.bro"}));
  EXPECT_EQ(b->manifest.files[1].mode, 0755u);
  // A source's mode is kept, without bits its group/others cannot read (issue 16): 0750
  // stays 0750; configuration is never wider than 0640.
  EXPECT_EQ(b->manifest.files[5].mode, 0750u);
  EXPECT_EQ(b->manifest.files[3].mode, 0640u);
  EXPECT_EQ(b->manifest.files[4].mode, 0644u);
  EXPECT_EQ(b->manifest.files[3].sha256, sha256_hex("[worker-1]\n"));
  EXPECT_EQ(b->sources.at("site/2/local.bro"), dir / "site2/local.bro");
  EXPECT_EQ(b->generated.at("auto/networks.bro"), "redef x;\n");
  EXPECT_EQ(b->sources.count("auto/networks.bro"), 0u);

  // Same content elsewhere with other mtimes: same version.
  TempDir other;
  write_file(other / "etc/node.cfg", "[worker-1]\n");
  BundleSources s2;
  s2.etc_dir = other / "etc";
  BundleSources s1;
  s1.etc_dir = dir / "etc";
  ::unlink((dir / "etc/cluster.cfg").c_str());
  EXPECT_EQ(build_bundle(s1)->manifest.version, build_bundle(s2)->manifest.version);
}

TEST_F(BuildBundle, SymlinkInsideADirIsAnError) {
  ASSERT_EQ(::symlink("/etc/passwd", (dir / "site2/evil.bro").c_str()), 0);
  Result<Bundle> b = build_bundle(sources);
  ASSERT_FALSE(b);
  EXPECT_NE(b.status().message().find("site2/evil.bro"), std::string::npos) << b.status().message();
}

// Root reads every file, so as root the build runs in a child that became nobody.
TEST_F(BuildBundle, UnreadableFileIsAnError) {
  ::chmod((dir / "policy/base/main.bro").c_str(), 0);
  ::chmod(dir.path().c_str(), 0755);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) ::_exit(3);
    Result<Bundle> b = build_bundle(sources);
    const bool named = !b && b.status().message().find("policy/base/main.bro") != std::string::npos;
    ::_exit(named ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST_F(BuildBundle, MissingSiteDirAndBadGeneratedPathAreErrors) {
  sources.site_dirs.push_back(dir / "nosuch");
  EXPECT_EQ(build_bundle(sources).status().code(), ErrorCode::kNotFound);
  sources.site_dirs.pop_back();
  sources.generated["../escape"] = "x";
  EXPECT_EQ(build_bundle(sources).status().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace bc::install
