// The receiving side against a real filesystem: round trips through BundleSender, reuse
// of unchanged files, hostile manifests and chunks, verification, pruning, install_local.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "install/bundle_builder.h"
#include "install/bundle_sender.h"
#include "install/install_local.h"
#include "install/install_receiver.h"
#include "install/sha256.h"
#include "install/wire.h"
#include "temp_dir.h"

namespace bc::install {
namespace {

using testing::count_entries;
using testing::mode_of;
using testing::slurp;
using testing::TempDir;
using testing::write_file;

std::string link_target(const std::string& path) {
  std::error_code ec;
  return std::filesystem::read_symlink(path, ec).string();
}

Manifest forge_manifest(std::vector<FileEntry> files) {
  Manifest m;
  m.files = std::move(files);
  m.version = sha256_hex(manifest_text(m.files));
  return m;
}

FileEntry file_entry(std::string path, const std::string& content) {
  return {std::move(path), 0644, content.size(), sha256_hex(content)};
}

class Receiver : public ::testing::Test {
 protected:
  Receiver() : root(dir / "spool/installed"), outside(dir / "outside"), receiver(root) {
    std::filesystem::create_directories(outside);
    write_file(in_src("etc/node.cfg"), "[worker-1]\ntype=worker\n");
    write_file(in_src("policy/main.bro"), "event bro_init() {}\n");
    write_file(in_src("policy/empty.bro"), "");
    write_file(in_src("site/local.bro"), std::string(600 * 1024, 'x') + "end\n");  // 3 chunks
    write_file(in_src("bro"),
               "\x7f"
               "ELF",
               0755);
    sources.etc_dir = in_src("etc");
    sources.policy_dir = in_src("policy");
    sources.site_dirs = {in_src("site")};
    sources.generated = {{"auto/gen.bro", "redef x = 1;\n"}};
    sources.binaries = {{"bin/bro", in_src("bro")}};
  }

  Bundle build() {
    Result<Bundle> b = build_bundle(sources);
    EXPECT_TRUE(b) << b.status().to_string();
    return b.value_or(Bundle{});
  }

  // The whole conversation; returns the commit reply or the first error. `need` gets the
  // begin reply's need list.
  Result<msg::Value> install(const Bundle& b, std::vector<std::string>* need = nullptr) {
    Result<msg::Value> begun = receiver.begin(begin_args(b.manifest));
    if (!begun) return begun.status();
    Result<BundleSender> sender = BundleSender::create(b, *begun);
    if (!sender) return sender.status();
    if (need != nullptr) *need = parse_begin_reply(*begun)->need;
    while (!sender->done()) {
      Result<msg::Value> c = sender->next_chunk();
      if (!c) return c.status();
      Result<msg::Value> r = receiver.chunk(*c);
      if (!r) return r.status();
    }
    return receiver.commit(sender->commit_args());
  }

  bool outside_untouched() const {
    return count_entries(outside) == 0 && !std::filesystem::exists(dir / "x") &&
           !std::filesystem::exists(dir / "spool/x");
  }

  TempDir dir;
  std::string in_src(const std::string& rel) const { return dir / ("src/" + rel); }
  std::string root;
  std::string outside;
  BundleSources sources;
  InstallReceiver receiver;
};

TEST_F(Receiver, RoundTrip) {
  const Bundle b = build();
  EXPECT_FALSE(receiver.current_version());
  Result<msg::Value> r = install(b);
  ASSERT_TRUE(r) << r.status().to_string();
  const std::string& v = b.manifest.version;
  EXPECT_EQ(r->get_string("version").value_or(""), v);
  EXPECT_TRUE(r->find("previous")->is_nil());
  EXPECT_EQ(receiver.current_version(), v);
  EXPECT_EQ(link_target(root + "/current"), v);  // relative
  const std::string cur = root + "/current/";
  EXPECT_EQ(slurp(cur + "etc/node.cfg"), slurp(in_src("etc/node.cfg")));
  EXPECT_EQ(slurp(cur + "site/1/local.bro"), slurp(in_src("site/local.bro")));
  EXPECT_EQ(slurp(cur + "auto/gen.bro"), "redef x = 1;\n");
  EXPECT_EQ(slurp(cur + "policy/empty.bro"), "");
  EXPECT_EQ(slurp(cur + "bin/bro"),
            "\x7f"
            "ELF");
  EXPECT_EQ(mode_of(cur + "bin/bro"), 0755);
  EXPECT_EQ(mode_of(cur + "policy/main.bro"), 0644);
  EXPECT_EQ(slurp(cur + "MANIFEST"), manifest_text(b.manifest.files));
  EXPECT_EQ(sha256_hex(slurp(cur + "MANIFEST")), v);
  EXPECT_EQ(slurp(cur + "VERSION"), v + "\n");
  EXPECT_EQ(count_entries(root), 2);  // <version>, current: no staging left
  EXPECT_FALSE(receiver.pending_version());
}

TEST_F(Receiver, ReinstallSendsOnlyChangedFiles) {
  const Bundle first = build();
  ASSERT_TRUE(install(first));
  write_file(in_src("policy/main.bro"), "event bro_init() { print 1; }\n");
  const Bundle second = build();
  ASSERT_NE(first.manifest.version, second.manifest.version);
  std::vector<std::string> need;
  Result<msg::Value> r = install(second, &need);
  ASSERT_TRUE(r) << r.status().to_string();
  EXPECT_EQ(need, std::vector<std::string>{"policy/main.bro"});
  EXPECT_EQ(r->get_string("previous").value_or(""), first.manifest.version);
  EXPECT_EQ(receiver.current_version(), second.manifest.version);
  EXPECT_EQ(slurp(root + "/current/site/1/local.bro"), slurp(in_src("site/local.bro")));
  EXPECT_EQ(slurp(root + "/current/policy/main.bro"), "event bro_init() { print 1; }\n");
  EXPECT_EQ(slurp(root + "/" + first.manifest.version + "/policy/main.bro"),
            "event bro_init() {}\n");
}

TEST_F(Receiver, SameVersionIsAlreadyInstalled) {
  const Bundle b = build();
  ASSERT_TRUE(install(b));
  Result<msg::Value> begun = receiver.begin(begin_args(b.manifest));
  ASSERT_TRUE(begun);
  EXPECT_EQ(begun->get_bool("already_installed").value_or(false), true);
  EXPECT_TRUE(parse_begin_reply(*begun)->need.empty());
  Result<msg::Value> done = receiver.commit(commit_args(b.manifest.version));
  ASSERT_TRUE(done) << done.status().to_string();
  EXPECT_EQ(receiver.current_version(), b.manifest.version);
}

TEST_F(Receiver, HostileManifestsAreRejectedBeforeAnyWrite) {
  using namespace std::string_literals;
  for (const std::string& path :
       {"../x"s, "/etc/passwd"s, "etc/../../x"s, "etc/a\0b"s, "../../spool/x"s, "etc/..\\x"s}) {
    Result<msg::Value> r = receiver.begin(begin_args(forge_manifest({file_entry(path, "pwned")})));
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument) << path;
  }
  FileEntry huge = file_entry("bin/big", "");
  huge.size = (256u << 20) + 1;
  Result<msg::Value> r = receiver.begin(begin_args(forge_manifest({huge})));
  EXPECT_EQ(r.status().code(), ErrorCode::kTooLarge);
  EXPECT_NE(r.status().message().find("bin/big"), std::string::npos);
  std::vector<FileEntry> many;
  for (int i = 0; i <= 20000; ++i)
    many.push_back(file_entry("auto/" + std::to_string(100000 + i), ""));
  EXPECT_EQ(receiver.begin(begin_args(forge_manifest(many))).status().code(), ErrorCode::kTooLarge);
  Manifest lying = forge_manifest({file_entry("etc/a", "a")});
  lying.version = sha256_hex("something else");
  EXPECT_EQ(receiver.begin(begin_args(lying)).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(receiver.begin(msg::Value("garbage")).status().code(), ErrorCode::kBadMessage);
  EXPECT_TRUE(outside_untouched());
  EXPECT_EQ(count_entries(root), 0);
}

// Regression (fuzzing, docs/FUZZING.md): begin accepted a 256-byte file name and asked
// for the file; its first chunk then failed with ENAMETOOLONG.
TEST_F(Receiver, OverlongFileNameIsRejectedAtBegin) {
  const std::string path = "etc/node" + std::string(252, 'p');  // a 256-byte component
  Result<msg::Value> r =
      receiver.begin(begin_args(forge_manifest({file_entry(path, "global y = 1;")})));
  EXPECT_EQ(r.status().code(), ErrorCode::kTooLarge);
  EXPECT_FALSE(receiver.pending_version());
  EXPECT_EQ(count_entries(root), 0);
}

TEST_F(Receiver, SymlinkPlantedInStagingIsNotFollowed) {
  const Manifest m = forge_manifest({file_entry("etc/cluster.cfg", "pwned")});
  ASSERT_TRUE(receiver.begin(begin_args(m)));
  const std::string staging = root + "/.staging-" + m.version;
  ASSERT_EQ(::symlink(outside.c_str(), (staging + "/etc").c_str()), 0);
  Result<msg::Value> r = receiver.chunk(chunk_args(m.version, "etc/cluster.cfg", 0, "pwned"));
  EXPECT_FALSE(r);
  EXPECT_NE(r.status().message().find("etc"), std::string::npos) << r.status().message();
  EXPECT_FALSE(receiver.commit(commit_args(m.version)));
  EXPECT_TRUE(outside_untouched());
  EXPECT_FALSE(receiver.current_version());
}

TEST_F(Receiver, StagingDirPlantedAsSymlinkIsReplaced) {
  const Manifest m = forge_manifest({file_entry("etc/cluster.cfg", "fine")});
  std::filesystem::create_directories(root);
  ASSERT_EQ(::symlink(outside.c_str(), (root + "/.staging-" + m.version).c_str()), 0);
  ASSERT_TRUE(receiver.begin(begin_args(m)));
  ASSERT_TRUE(receiver.chunk(chunk_args(m.version, "etc/cluster.cfg", 0, "fine")));
  Result<msg::Value> r = receiver.commit(commit_args(m.version));
  ASSERT_TRUE(r) << r.status().to_string();
  EXPECT_TRUE(outside_untouched());
  EXPECT_EQ(slurp(root + "/current/etc/cluster.cfg"), "fine");
}

TEST_F(Receiver, ChunksAreBoundsChecked) {
  const Manifest m = forge_manifest({file_entry("etc/a", "12345"), file_entry("etc/b", "xy")});
  ASSERT_TRUE(receiver.begin(begin_args(m)));
  EXPECT_EQ(receiver.chunk(chunk_args(m.version, "etc/a", 0, "123456")).status().code(),
            ErrorCode::kTooLarge);
  EXPECT_EQ(receiver.chunk(chunk_args(m.version, "etc/a", 6, "")).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(receiver.chunk(chunk_args(m.version, "etc/a", 2, "345")).status().code(),
            ErrorCode::kInvalidArgument);  // not sequential
  EXPECT_EQ(receiver.chunk(chunk_args(m.version, "etc/c", 0, "x")).status().code(),
            ErrorCode::kInvalidArgument);  // not in the manifest
  EXPECT_EQ(receiver.chunk(chunk_args(sha256_hex("v"), "etc/a", 0, "1")).status().code(),
            ErrorCode::kConflict);  // another version
  ASSERT_TRUE(receiver.chunk(chunk_args(m.version, "etc/a", 0, "12")));
  ASSERT_TRUE(receiver.chunk(chunk_args(m.version, "etc/a", 2, "345")));
  EXPECT_EQ(receiver.chunk(chunk_args(m.version, "etc/a", 5, "6")).status().code(),
            ErrorCode::kConflict);  // already complete
  // etc/b never sent: commit names it and installs nothing.
  Result<msg::Value> r = receiver.commit(commit_args(m.version));
  ASSERT_FALSE(r);
  EXPECT_NE(r.status().message().find("etc/b"), std::string::npos) << r.status().message();
  EXPECT_FALSE(receiver.current_version());
  EXPECT_EQ(count_entries(root), 0);
}

TEST_F(Receiver, WrongHashAtCommitLeavesCurrentUntouched) {
  const Bundle good = build();
  ASSERT_TRUE(install(good));
  const Manifest m = forge_manifest({file_entry("etc/node.cfg", "right")});
  Result<msg::Value> begun = receiver.begin(begin_args(m));
  ASSERT_TRUE(begun);
  ASSERT_TRUE(receiver.chunk(chunk_args(m.version, "etc/node.cfg", 0, "wrong")));
  Result<msg::Value> r = receiver.commit(commit_args(m.version));
  ASSERT_FALSE(r);
  EXPECT_NE(r.status().message().find("etc/node.cfg"), std::string::npos);
  EXPECT_EQ(receiver.current_version(), good.manifest.version);
  EXPECT_EQ(slurp(root + "/current/etc/node.cfg"), slurp(in_src("etc/node.cfg")));
  EXPECT_FALSE(std::filesystem::exists(root + "/.staging-" + m.version));
  EXPECT_FALSE(std::filesystem::exists(root + "/" + m.version));
}

TEST_F(Receiver, PruneKeepsThreeBesidesCurrent) {
  std::vector<std::string> versions;
  for (int i = 0; i < 6; ++i) {
    sources.generated["auto/gen.bro"] = "redef x = " + std::to_string(i) + ";\n";
    const Bundle b = build();
    ASSERT_TRUE(install(b));
    versions.push_back(b.manifest.version);
  }
  // A leftover of a crashed install goes too.
  std::filesystem::create_directories(root + "/.staging-leftover/etc");
  sources.generated["auto/gen.bro"] = "final\n";
  const Bundle last = build();
  ASSERT_TRUE(install(last));
  EXPECT_EQ(receiver.current_version(), last.manifest.version);
  EXPECT_EQ(count_entries(root), 5);  // current, last, versions 5, 4, 3
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(std::filesystem::exists(root + "/" + versions[i]), i >= 3) << i;
  }
  EXPECT_FALSE(std::filesystem::exists(root + "/.staging-leftover"));
}

TEST_F(Receiver, NewBeginDiscardsTheOtherStaging) {
  const Manifest one = forge_manifest({file_entry("etc/a", "one")});
  const Manifest two = forge_manifest({file_entry("etc/a", "two")});
  ASSERT_TRUE(receiver.begin(begin_args(one)));
  ASSERT_TRUE(receiver.chunk(chunk_args(one.version, "etc/a", 0, "o")));
  EXPECT_TRUE(std::filesystem::exists(root + "/.staging-" + one.version));
  ASSERT_TRUE(receiver.begin(begin_args(two)));
  EXPECT_FALSE(std::filesystem::exists(root + "/.staging-" + one.version));
  EXPECT_EQ(receiver.pending_version(), two.version);
  EXPECT_EQ(receiver.chunk(chunk_args(one.version, "etc/a", 1, "ne")).status().code(),
            ErrorCode::kConflict);
  ASSERT_TRUE(receiver.chunk(chunk_args(two.version, "etc/a", 0, "two")));
  ASSERT_TRUE(receiver.commit(commit_args(two.version)));
  EXPECT_EQ(slurp(root + "/current/etc/a"), "two");
}

TEST_F(Receiver, InstallLocalThenReinstallOverTheBus) {
  const Bundle b = build();
  Status s = install_local(b, root);
  ASSERT_TRUE(s) << s.to_string();
  EXPECT_EQ(receiver.current_version(), b.manifest.version);
  EXPECT_EQ(slurp(root + "/current/site/1/local.bro"), slurp(in_src("site/local.bro")));
  EXPECT_EQ(slurp(root + "/current/MANIFEST"), manifest_text(b.manifest.files));
  EXPECT_TRUE(install_local(b, root));  // already current: nothing to do
  write_file(in_src("etc/node.cfg"), "[worker-2]\n");
  std::vector<std::string> need;
  ASSERT_TRUE(install(build(), &need));
  EXPECT_EQ(need, std::vector<std::string>{"etc/node.cfg"});
}

TEST_F(Receiver, SourceChangedAfterBuildIsAnErrorNamingIt) {
  const Bundle b = build();
  write_file(in_src("bro"), "longer than before", 0755);
  Result<msg::Value> r = install(b);
  ASSERT_FALSE(r);
  EXPECT_NE(r.status().message().find("bro"), std::string::npos) << r.status().message();
  EXPECT_FALSE(receiver.current_version());
}

}  // namespace
}  // namespace bc::install
