// `check` and `scripts` for nodes of profile zeek as a user runs them: the real `brocluster`
// shell on a one-box BroBase (manager, proxy, two lb_procs workers) whose ZeekPath is the
// fake zeek (tests/fake_zeek), which reports a syntax error as Zeek does and writes
// loaded_scripts.log. Nothing needs to be running (docs/ZEEK.md, "check and scripts").

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/exec_path.h"
#include "common/file_util.h"
#include "config/cluster.h"
#include "install/cluster_bundle.h"
#include "install/install_local.h"
#include "tests/support/json_reader.h"
#include "tests/support/run_process.h"

namespace bc::test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

const char* const kNodeCfg =
    "[manager]\ntype=manager\nhost=localhost\n"
    "[proxy-1]\ntype=proxy\nhost=localhost\n"
    "[worker]\ntype=worker\nhost=localhost\ninterface=lo\nlb_procs=2\n";

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}

class ZeekCheck : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(prefix_.path() + "/bin");
    fs::copy_file(build_path("tests/fake_zeek/brocluster-fake-zeek"), zeek());
    fs::permissions(zeek(), fs::perms::owner_all);
    control({});
    base_.write("etc/cluster.cfg", "NodeProfile = zeek\nZeekPath = " + zeek() + "\nPolicyDir = " +
                                       source_path("policy") + "\nSendMail = 0\n");
    base_.write("etc/node.cfg", kNodeCfg);
    base_.write("policy/local/local.zeek", "redef Site::local_nets += { 10.0.0.0/8 };\n");
  }

  std::string zeek() const { return prefix_.path() + "/bin/zeek"; }
  std::string record() const { return prefix_.path() + "/checks.txt"; }
  std::string local_zeek() const { return base_.path() + "/policy/local/local.zeek"; }

  // The fake's control file; every check run is recorded in record().
  void control(std::vector<std::string> lines) {
    lines.insert(lines.begin(), {"* version=7.2.0", "* check_record=" + record()});
    std::ofstream out(prefix_.path() + "/fake-zeek.cfg");
    for (const auto& line : lines)
      out << line << '\n';
  }

  ProcessResult run(const std::vector<std::string>& args) {
    return run_shell(base_.path(), args, std::chrono::seconds(60));
  }

  // What `install` would leave in spool/installed: the bundle of the files as they are now,
  // staged and switched to by the install code itself. Returns the snapshot's directory.
  std::string install_now() {
    config::LoadOptions options;
    options.base_dir = base_.path();
    config::Diagnostics diags;
    const config::Cluster cluster = config::load_cluster(options, diags);
    EXPECT_FALSE(diags.has_errors()) << diags.render_all();
    auto bundle = install::cluster_bundle(cluster, config::ZeekVersion{7, 2, 0});
    EXPECT_TRUE(bundle.is_ok()) << bundle.status().message();
    const std::string root = base_.path() + "/spool/installed";
    const Status s = install::install_local(*bundle, root);
    EXPECT_TRUE(s.is_ok()) << s.message();
    return fs::canonical(root + "/current").string();
  }

  TempDir prefix_;
  TempDir base_;
};

TEST_F(ZeekCheck, CleanConfigurationRunsZeekParseOnlyOncePerNodeTypeAsThatNodeWouldRun) {
  const ProcessResult r = run({"check"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("manager scripts are ok (zeek -a, as manager).\n"));
  EXPECT_THAT(r.out, HasSubstr("proxy scripts are ok (zeek -a, as proxy-1).\n"));
  EXPECT_THAT(r.out, HasSubstr("worker scripts are ok (zeek -a, as worker-1).\n"));
  // One run per type, not per node; zeekctl's check environment and its argv (not live: no
  // -i, no zeekctl-live) with brocluster/check last.
  const std::vector<std::string> runs = lines(read_file(record()).value_or(""));
  ASSERT_EQ(runs.size(), 3u) << read_file(record()).value_or("");
  EXPECT_THAT(runs, ::testing::Contains(
                        "CLUSTER_NODE=worker-1 ZEEKCTL_CHECK_CONFIG=1 ZEEKCTL_DISABLE_LISTEN=1 "
                        "argv: -a -U .status -p zeekctl -p local -p worker-1 local.zeek "
                        "brocluster base/frameworks/cluster brocluster/auto brocluster/check"));
  // Zeek's scratch directories under TmpDir are gone.
  EXPECT_TRUE(fs::is_empty(base_.path() + "/spool/tmp"));
}

TEST_F(ZeekCheck, ANodeWithItsOwnAuxScriptsIsCheckedOnItsOwn) {
  base_.write("etc/node.cfg",
              std::string(kNodeCfg) + "[tap]\ntype=worker\nhost=localhost\naux_scripts=tap.zeek\n");
  base_.write("policy/local/tap.zeek", "this is an error\n");
  const ProcessResult r = run({"check"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("worker scripts are ok (zeek -a, as worker-1).\n"));
  EXPECT_THAT(r.out, HasSubstr("worker scripts failed (zeek -a, as tap).\nworker: error in " +
                               base_.path() + "/policy/local/tap.zeek, line 1: syntax error"));
}

TEST_F(ZeekCheck, ZeeksErrorIsShownUnderItsNodeTypeAndFailsTheCheck) {
  control({"worker-1 check_error=error in ./local.zeek, line 3: unknown identifier foo"});
  const ProcessResult r = run({"check"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("worker scripts failed (zeek -a, as worker-1).\n"
                               "worker: error in ./local.zeek, line 3: unknown identifier foo\n"));
  EXPECT_THAT(r.out, HasSubstr("manager scripts are ok"));

  const ProcessResult j = run({"--json", "check"});
  EXPECT_EQ(j.exit_code, 1) << j.out << j.err;
  const auto doc = Json::parse(j.out);
  ASSERT_TRUE(doc.has_value()) << "not one JSON document: " << j.out;
  EXPECT_FALSE((*doc)["ok"].boolean());
  bool seen = false;
  for (const Json& type : (*doc)["zeek"].array()) {
    if (type["type"].str() != "worker") continue;
    seen = true;
    EXPECT_EQ(type["node"].str(), "worker-1");
    EXPECT_FALSE(type["ok"].boolean());
    ASSERT_EQ(type["output"].array().size(), 1u);
    EXPECT_EQ(type["output"].array()[0].str(),
              "error in ./local.zeek, line 3: unknown identifier foo");
  }
  EXPECT_TRUE(seen) << j.out;
}

TEST_F(ZeekCheck, InstallIsRefusedWhenZeekReportsAnError) {
  std::ofstream(local_zeek(), std::ios::app) << "this is an error\n";
  const ProcessResult r = run({"install"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("manager: error in " + local_zeek() + ", line 2"));
  EXPECT_THAT(r.err, HasSubstr("install refused: check failed"));
  EXPECT_FALSE(fs::exists(base_.path() + "/spool/installed/current"));
}

TEST_F(ZeekCheck, ChecksTheSnapshotAboutToBeInstalledNotTheInstalledOne) {
  install_now();  // clean
  std::ofstream(local_zeek(), std::ios::app) << "this is an error\n";
  ProcessResult r = run({"check"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  // Named as the edited file, not as the staged copy Zeek read.
  EXPECT_THAT(r.out, HasSubstr("manager: error in " + local_zeek() +
                               ", line 2: syntax error, at or near \"is\"\n"));

  // The other way round: an error in the installed copy only is none of check's business.
  const std::string installed = install_now();
  base_.write("policy/local/local.zeek", "redef Site::local_nets += { 10.0.0.0/8 };\n");
  ASSERT_THAT(read_file(installed + "/site/1/local.zeek").value_or(""),
              HasSubstr("this is an error"));
  r = run({"check"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_F(ZeekCheck, ScriptsListsTheLoadedScriptsLogOfZeeksRunPerNodeType) {
  const std::string installed = install_now();
  // -c: the edited files, staged; Zeek runs to zeek_init (no -a) and its log is listed.
  ProcessResult r = run({"scripts", "-c"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("manager (zeek, as manager)\n  " + local_zeek() + "\n"));
  EXPECT_THAT(r.out, HasSubstr("worker (zeek, as worker-1)\n  " + local_zeek() + "\n"));
  // loaded_scripts.log's own indentation (a script loaded by another) is kept.
  EXPECT_THAT(r.out, HasSubstr("\n    " + source_path("policy") + "/zeek/brocluster/main.zeek\n"));
  EXPECT_THAT(r.out, Not(HasSubstr("#fields")));
  EXPECT_THAT(read_file(record()).value_or(""),
              HasSubstr("argv: -U .status -p zeekctl -p local -p manager local.zeek"));
  EXPECT_THAT(read_file(record()).value_or(""), Not(HasSubstr("argv: -a")));

  // Without -c: the installed snapshot; one node names its type only.
  r = run({"scripts", "worker-2"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.find("worker (zeek, as worker-2)\n  " + installed + "/site/1/local.zeek\n"), 0u)
      << r.out;
  EXPECT_THAT(r.out, Not(HasSubstr("manager")));

  const ProcessResult j = run({"--json", "scripts", "proxy-1"});
  ASSERT_EQ(j.exit_code, 0) << j.out << j.err;
  const auto doc = Json::parse(j.out);
  ASSERT_TRUE(doc.has_value()) << j.out;
  ASSERT_EQ(doc->array().size(), 1u) << j.out;
  const Json& entry = doc->array()[0];
  EXPECT_EQ(entry["type"].str(), "proxy");
  EXPECT_EQ(entry["profile"].str(), "zeek");
  ASSERT_FALSE(entry["scripts"].array().empty());
  EXPECT_EQ(entry["scripts"].array()[0].str(), installed + "/site/1/local.zeek");
}

TEST_F(ZeekCheck, ScriptsOfTheInstalledSnapshotKnowOnlyItsNodes) {
  install_now();
  base_.write("etc/node.cfg", std::string(kNodeCfg) + "[logger]\ntype=logger\nhost=localhost\n");
  const ProcessResult r = run({"scripts", "logger"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("logger (zeek, as logger)\n  logger is not in the installed "
                               "configuration; run install, or use scripts -c\n"));
  EXPECT_EQ(run({"scripts", "-c", "logger"}).exit_code, 0);
}

TEST_F(ZeekCheck, ScriptsShowsZeeksErrorWhenTheScriptsDoNotLoad) {
  std::ofstream(local_zeek(), std::ios::app) << "this is an error\n";
  const ProcessResult r = run({"scripts", "-c", "proxy-1"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("proxy (zeek, as proxy-1)\n  error in " + local_zeek() +
                               ", line 2: syntax error, at or near \"is\"\n"));
}

TEST_F(ZeekCheck, AZeekBinaryThatCannotRunIsAnErrorNamingIt) {
  base_.write("etc/cluster.cfg",
              "NodeProfile = zeek\nZeekPath = /nonexistent/bin/zeek\n"
              "PolicyDir = " +
                  source_path("policy") + "\nSendMail = 0\n");
  ProcessResult r = run({"check", "manager"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("manager: cannot find Zeek binary '/nonexistent/bin/zeek'"));

  base_.write("etc/cluster.cfg", "NodeProfile = zeek\nZeekPath = " + zeek() +
                                     "\nPolicyDir = " + source_path("policy") + "\nSendMail = 0\n");
  fs::permissions(zeek(), fs::perms::owner_read | fs::perms::owner_write);
  r = run({"check", "manager"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("manager: Zeek binary '" + fs::canonical(zeek()).string() +
                               "' is not executable"));
}

// Against a real Zeek when this machine has one; says so when it does not.
TEST_F(ZeekCheck, RealZeekChecksAndListsTheScriptsOfAOneBoxCluster) {
  const auto real = find_in_path("zeek", process_path());
  if (!real) GTEST_SKIP() << "no zeek on PATH: the check with a real Zeek was skipped";
  base_.write("etc/cluster.cfg", "NodeProfile = zeek\nZeekPath = " + *real +
                                     "\nPolicyDir = " + source_path("policy") + "\nSendMail = 0\n");
  ProcessResult r = run({"check"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("worker scripts are ok (zeek -a, as worker-1).\n"));
  r = run({"scripts", "-c", "manager"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("base/init-bare.zeek\n"));
  EXPECT_THAT(r.out, HasSubstr(local_zeek() + "\n"));

  std::ofstream(local_zeek(), std::ios::app) << "this is an error\n";
  r = run({"check", "proxy-1"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("proxy: error in " + local_zeek() + ", line 2"));
}

}  // namespace
}  // namespace bc::test
