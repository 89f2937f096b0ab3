// `analysis`, `scripts` and `process` as a user runs them: the real `brocluster` shell on a
// BroBase made for each test, driving the build's brocluster-node locally (no daemons).

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "common/file_util.h"
#include "tests/support/run_process.h"

namespace bc::test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

const char* const kStandaloneCfg = "[bro]\ntype=standalone\nhost=localhost\ninterface=lo\n";

const char* const kAnalysisDat =
    "# site choices\n"
    "dns 1 DNS analysis (dns.bro)\n"
    "\n"
    "# http\n"
    "http-body   1   HTTP body analysis (http-body.bro).\n"
    "scan 1 Scan detection (scan.bro)\n";

class ShellConfigCmds : public ::testing::Test {
 protected:
  void SetUp() override {
    base_.write("etc/cluster.cfg", "NodeProgram = " + build_path("node/process/brocluster-node") +
                                       "\nPolicyDir = " + source_path("policy") + "\n");
    base_.write("etc/node.cfg", kStandaloneCfg);
    fs::create_directories(site());
    fs::copy(source_path("policy/local"), site(), fs::copy_options::recursive);
  }
  std::string site() const { return base_.path() + "/policy/local"; }
  std::string file(const std::string& relative) const {
    return read_file(base_.path() + "/" + relative).value_or("<missing>");
  }
  ProcessResult run(const std::vector<std::string>& args, const std::string& cwd = {}) {
    RunOptions options;
    options.timeout = std::chrono::seconds(60);
    options.cwd = cwd;
    return run_process(shell_argv_for(base_.path(), args), options);
  }
  // What install leaves behind, made by hand: spool/installed/v1 and current -> v1.
  std::string make_snapshot() {
    const std::string v1 = base_.path() + "/spool/installed/v1";
    fs::create_directories(v1 + "/site");
    fs::copy(base_.path() + "/etc", v1 + "/etc", fs::copy_options::recursive);
    fs::copy(source_path("policy"), v1 + "/policy", fs::copy_options::recursive);
    fs::copy(site(), v1 + "/site/1", fs::copy_options::recursive);
    fs::create_directory_symlink("v1", base_.path() + "/spool/installed/current");
    return v1;
  }
  std::string make_pcap() {
    const std::string pcap = base_.path() + "/trace.pcap";
    const ProcessResult r =
        run_process({build_path("tests/unit/node_engine/brocluster-pcapgen"), "-o", pcap, "-n",
                     "60", "-m", "http:1,dns:1,tcp:1,udp:1", "-s", "3"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return pcap;
  }
  TempDir base_;
};

TEST_F(ShellConfigCmds, AnalysisListsEveryTypeWithDefaultsWhenTheFileIsMissing) {
  auto r = run({"analysis"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Type"));
  EXPECT_THAT(r.out, HasSubstr("Status"));
  EXPECT_THAT(r.out, HasSubstr("Description"));
  for (const char* type :
       {"dns", "ftp", "http-body", "http-request", "http-reply", "http-header", "scan", "smtp"}) {
    EXPECT_THAT(r.out, HasSubstr(std::string("\n") + type + " ")) << type;
  }
  EXPECT_THAT(r.out, HasSubstr("enabled"));
  EXPECT_THAT(r.out, Not(HasSubstr("disabled")));

  auto json = run({"--json", "analysis"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(json.out.front(), '[');
  EXPECT_THAT(json.out, HasSubstr("\"enabled\":true"));
  EXPECT_THAT(json.out, HasSubstr("\"type\":\"smtp\""));
}

TEST_F(ShellConfigCmds, AnalysisDisableFlipsOnlyThatLineAndKeepsCommentsAndMode) {
  base_.write("etc/analysis.dat", kAnalysisDat);
  const std::string path = base_.path() + "/etc/analysis.dat";
  ASSERT_EQ(chmod(path.c_str(), 0640), 0);
  auto r = run({"analysis", "disable", "dns"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "analysis dns disabled; takes effect after install and update\n");
  std::string expected = kAnalysisDat;
  expected.replace(expected.find("dns 1"), 5, "dns 0");
  EXPECT_EQ(file("etc/analysis.dat"), expected);
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640u);

  auto list = run({"analysis"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, testing::ContainsRegex("\ndns +disabled +DNS analysis"));
  EXPECT_THAT(list.out, testing::ContainsRegex("\nscan +enabled"));

  // Spacing of other lines survives a flip of theirs too; a second disable changes nothing.
  ASSERT_EQ(run({"analysis", "disable", "http-body"}).exit_code, 0);
  EXPECT_THAT(file("etc/analysis.dat"), HasSubstr("http-body   0   HTTP body analysis"));
  auto again = run({"analysis", "disable", "dns"});
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_THAT(again.out, HasSubstr("already disabled"));
}

TEST_F(ShellConfigCmds, AnalysisEnableAddsALineTheFileLacked) {
  base_.write("etc/analysis.dat", "# only dns\ndns 1 DNS analysis (dns.bro)");
  auto r = run({"analysis", "disable", "smtp"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(file("etc/analysis.dat"),
            "# only dns\ndns 1 DNS analysis (dns.bro)\nsmtp 0 SMTP analysis (smtp.bro)\n");
  auto on = run({"analysis", "enable", "smtp"});
  ASSERT_EQ(on.exit_code, 0) << on.err;
  EXPECT_EQ(on.out, "analysis smtp enabled; takes effect after install and update\n");
  EXPECT_THAT(file("etc/analysis.dat"), HasSubstr("\nsmtp 1 SMTP"));
}

TEST_F(ShellConfigCmds, AnalysisUnknownTypeListsTheKnownOnes) {
  base_.write("etc/analysis.dat", kAnalysisDat);
  auto r = run({"analysis", "enable", "telnet"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("unknown analysis type 'telnet'"));
  EXPECT_THAT(r.err, HasSubstr("dns, ftp, http-body, http-request, http-reply, http-header"));
  EXPECT_EQ(file("etc/analysis.dat"), kAnalysisDat);
  EXPECT_EQ(run({"analysis", "toggle", "dns"}).exit_code, 1);
}

TEST_F(ShellConfigCmds, AnalysisMalformedFileIsLeftUntouchedAndNamedWithItsLine) {
  const std::string broken = "# x\ndns 1 DNS\nscan maybe Scan detection\n";
  base_.write("etc/analysis.dat", broken);
  auto r = run({"analysis", "disable", "dns"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr(base_.path() + "/etc/analysis.dat:3: "));
  EXPECT_THAT(r.err, HasSubstr("maybe"));
  EXPECT_EQ(file("etc/analysis.dat"), broken);
  EXPECT_EQ(run({"analysis"}).exit_code, 1);
}

TEST_F(ShellConfigCmds, ScriptsFromTheEditedFilesInLoadOrder) {
  auto r = run({"scripts", "-c"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, 4), "bro\n") << r.out;
  EXPECT_THAT(r.out, HasSubstr("\n  local.bro\n"));
  EXPECT_THAT(r.out, HasSubstr("\n  standalone.bro\n"));
  EXPECT_LT(r.out.find("standalone.bro"), r.out.find("local.bro"));  // site policy last

  auto full = run({"scripts", "-p", "-c", "bro"});
  ASSERT_EQ(full.exit_code, 0) << full.err;
  EXPECT_THAT(full.out, HasSubstr("\n  " + site() + "/local.bro\n"));
  EXPECT_THAT(full.out, HasSubstr("\n  " + source_path("policy") + "/standalone.bro\n"));

  EXPECT_EQ(run({"scripts", "-c", "nosuch"}).exit_code, 1);
  EXPECT_EQ(run({"scripts", "-x"}).exit_code, 1);
}

TEST_F(ShellConfigCmds, ScriptsWithoutAnInstallSaySo) {
  auto r = run({"scripts"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("nothing is installed yet; run install, or use scripts -c"));
}

TEST_F(ShellConfigCmds, ScriptsFromTheInstalledSnapshot) {
  const std::string v1 = make_snapshot();
  // An edit after the install is not what the nodes run.
  base_.write("policy/local/local.bro", "@load nosuch\n");
  auto r = run({"scripts", "-p"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("  " + v1 + "/site/1/local.bro\n"));
  EXPECT_THAT(r.out, HasSubstr("  " + v1 + "/policy/standalone.bro\n"));
  EXPECT_THAT(r.out, Not(HasSubstr(site())));

  auto json = run({"--json", "scripts"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_THAT(json.out, HasSubstr("\"node\":\"bro\""));
  EXPECT_THAT(json.out, HasSubstr("\"local.bro\""));
}

TEST_F(ShellConfigCmds, ScriptsThatDoNotLoadAreReportedUnderTheNode) {
  base_.write("policy/local/local.bro", "# site\nredef Scan::addr_scan_threshold = ;\n");
  auto r = run({"scripts", "-c"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("bro\n  " + site() + "/local.bro:2:"));
  EXPECT_THAT(r.err, HasSubstr("Error: the scripts of 1 node(s) do not load"));
}

TEST_F(ShellConfigCmds, ProcessWritesLogsIntoAFreshScratchDir) {
  const std::string pcap = make_pcap();
  auto r = run({"process", pcap});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("the edited configuration"));
  const std::string marker = "process: output in ";
  const auto at = r.out.find(marker);
  ASSERT_NE(at, std::string::npos) << r.out;
  const std::string dir =
      r.out.substr(at + marker.size(), r.out.find('\n', at) - at - marker.size());
  EXPECT_EQ(dir.rfind(base_.path() + "/spool/tmp/process-", 0), 0u) << dir;
  EXPECT_TRUE(fs::is_regular_file(dir + "/conn.log")) << r.out;
  EXPECT_THAT(r.out, HasSubstr("\n  conn.log  "));
  EXPECT_THAT(file(dir.substr(base_.path().size() + 1) + "/conn.log"), HasSubstr("#fields"));

  // A second run in the same second gets a directory of its own; a relative trace and an
  // extra script given relative to the shell's directory work although the node runs in
  // the scratch dir.
  base_.write("extra.bro", "redef Conn::udp_inactivity_timeout = 30 secs;\n");
  auto second = run({"process", "trace.pcap", "--", "extra.bro"}, base_.path());
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_THAT(second.out, Not(HasSubstr(marker + dir + "\n")));
  EXPECT_THAT(second.out, HasSubstr("conn.log"));
}

TEST_F(ShellConfigCmds, ProcessUsesTheInstalledSnapshotAndPassesTheExitCodeOn) {
  const std::string pcap = make_pcap();
  make_snapshot();
  auto r = run({"process", pcap});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out,
              HasSubstr("the installed configuration " + base_.path() + "/spool/installed/v1"));

  auto bad = run({"process", pcap, "--", "nosuch-script"});
  EXPECT_EQ(bad.exit_code, 1) << bad.out;
  EXPECT_THAT(bad.err, HasSubstr("nosuch-script"));
}

TEST_F(ShellConfigCmds, ProcessWithAMissingTraceFailsBeforeRunningAnything) {
  const std::string missing = base_.path() + "/nope.pcap";
  auto r = run({"process", missing});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("cannot read trace " + missing));
  EXPECT_FALSE(fs::exists(base_.path() + "/spool/tmp"));
  EXPECT_EQ(run({"process"}).exit_code, 1);
  EXPECT_EQ(run({"process", base_.path()}).exit_code, 1);
}

}  // namespace
}  // namespace bc::test
