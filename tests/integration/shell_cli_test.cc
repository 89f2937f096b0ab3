// The shell as a user runs it: the real `brocluster` executable, one-shot and
// interactive, against a BroBase made for each test.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/json_reader.h"
#include "tests/support/run_process.h"

namespace bc::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const char* const kNodeCfg =
    "[manager]\ntype=manager\nhost=localhost\n"
    "[proxy-1]\ntype=proxy\nhost=localhost\n"
    "[worker]\ntype=worker\nhost=localhost\ninterface=lo\nlb_procs=2\npin_cpus=0\n";

class ShellCli : public ::testing::Test {
 protected:
  void SetUp() override {
    base_.write("etc/cluster.cfg", "MailTo = ops@example.org\n");
    base_.write("etc/node.cfg", kNodeCfg);
  }
  ProcessResult run(const std::vector<std::string>& args, const std::string& input = {}) {
    RunOptions options;
    options.stdin_data = input;
    options.timeout = std::chrono::seconds(20);
    return run_process(shell_argv_for(base_.path(), args), options);
  }
  // --json: stdout must be exactly one JSON document, whatever happened.
  Json json_run(std::vector<std::string> args, int exit_code) {
    args.insert(args.begin(), "--json");
    auto r = run(args);
    EXPECT_EQ(r.exit_code, exit_code) << r.out << r.err;
    auto doc = Json::parse(r.out);
    EXPECT_TRUE(doc.has_value()) << "not one JSON document on stdout: '" << r.out << "'";
    return doc.value_or(Json());
  }
  TempDir base_;
};

TEST_F(ShellCli, VersionWorksEvenWithABrokenConfig) {
  base_.write("etc/cluster.cfg", "this is not an option line\n");
  auto r = run({"--version"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "BroCluster 0.1.0\n");
}

TEST_F(ShellCli, ConfigPrintsEveryOptionSortedWithInterpolatedValues) {
  auto r = run({"config"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("MailTo = ops@example.org\n"));
  EXPECT_THAT(r.out, HasSubstr("SpoolDir = " + base_.path() + "/spool\n"));
  EXPECT_THAT(r.out, HasSubstr("StatsLog = " + base_.path() + "/spool/stats.log\n"));
  EXPECT_THAT(r.out, HasSubstr("LogExpireInterval = 30\n"));
  EXPECT_LT(r.out.find("AnalysisCfg = "), r.out.find("BinDir = "));
}

TEST_F(ShellCli, ConfigJsonIsOneObject) {
  auto r = run({"--json", "config"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_FALSE(r.out.empty());
  EXPECT_EQ(r.out.front(), '{');
  EXPECT_EQ(r.out.substr(r.out.size() - 2), "}\n");
  EXPECT_THAT(r.out, HasSubstr("\"MailTo\":\"ops@example.org\""));
  // --json is accepted after the command too.
  EXPECT_EQ(run({"config", "--json"}).out, r.out);
}

TEST_F(ShellCli, NodesListsEveryNodeExpandedInTypeOrder) {
  auto r = run({"nodes"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto manager = r.out.find("manager - type=manager host=localhost");
  const auto proxy = r.out.find("proxy-1 - type=proxy");
  const auto w1 = r.out.find("worker-1 - type=worker");
  const auto w2 = r.out.find("worker-2 - type=worker");
  ASSERT_NE(manager, std::string::npos) << r.out;
  ASSERT_NE(w2, std::string::npos) << r.out;
  EXPECT_LT(manager, proxy);
  EXPECT_LT(proxy, w1);
  EXPECT_LT(w1, w2);
  EXPECT_THAT(r.out, HasSubstr("interface=lo"));
  EXPECT_THAT(r.out, HasSubstr("lb_group=worker"));
  EXPECT_THAT(r.out, HasSubstr("restart=\"always, backoff 0-60 s, storm 5 in 60 s\""));
}

// The effective restart policy: per node over per type over the global option.
TEST_F(ShellCli, NodesShowEachNodesEffectiveRestartPolicy) {
  base_.write("etc/cluster.cfg",
              "RestartPolicy = on-failure\nRestartPolicy-Proxy = never\nRestartStormCount = 3\n");
  base_.write("etc/node.cfg",
              "[manager]\ntype=manager\nhost=localhost\n"
              "[proxy-1]\ntype=proxy\nhost=localhost\n"
              "[worker-1]\ntype=worker\nhost=localhost\n"
              "[worker-2]\ntype=worker\nhost=localhost\nrestart_policy=always\n"
              "restart_backoff_max=5\n");
  auto r = run({"nodes"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("restart=\"on-failure, backoff 0-60 s, storm 3 in 60 s\""));
  EXPECT_THAT(r.out, HasSubstr("proxy-1 - type=proxy host=localhost address=127.0.0.1 "
                               "restart=never"));
  EXPECT_THAT(r.out, HasSubstr("restart=\"always, backoff 0-5 s, storm 3 in 60 s\""));
  auto json = run({"nodes", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_THAT(json.out, HasSubstr("\"name\":\"proxy-1\""));
  EXPECT_THAT(json.out, HasSubstr("\"policy\":\"never\""));
  EXPECT_THAT(json.out, HasSubstr("\"policy\":\"on-failure\""));
  base_.write("etc/node.cfg", "[bro]\ntype=standalone\nhost=localhost\nrestart_policy=sometimes\n");
  auto bad = run({"nodes"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr("invalid restart_policy 'sometimes' (expected always, on-failure "
                                 "or never)"));
}

TEST_F(ShellCli, NodesShowsTheZeekProfileAndRefusesAnUnknownOne) {
  base_.write("etc/cluster.cfg", "NodeProfile = zeek\n");
  base_.write("etc/node.cfg", "[bro]\ntype=standalone\nhost=localhost\n");
  auto r = run({"nodes"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("profile=zeek"));
  auto json = run({"nodes", "--json"});
  EXPECT_THAT(json.out, HasSubstr("\"profile\":\"zeek\""));
  base_.write("etc/node.cfg", "[bro]\ntype=standalone\nhost=localhost\nprofile=zeeek\n");
  auto bad = run({"nodes"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr("node.cfg:4"));
  EXPECT_THAT(bad.err, HasSubstr("profile: invalid value 'zeeek' (expected brocluster or zeek; "
                                 "did you mean 'zeek'?)"));
}

TEST_F(ShellCli, NodesJsonIsAnArray) {
  auto r = run({"nodes", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.front(), '[');
  EXPECT_THAT(r.out, HasSubstr("\"name\":\"worker-2\""));
}

TEST_F(ShellCli, ConfigErrorsNameFileAndLineAndExitOne) {
  base_.write("etc/cluster.cfg", "# ok\nLogExpireInterval = soon\n");
  auto r = run({"config"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("Error: " + base_.path() + "/etc/cluster.cfg:2:"));
  EXPECT_THAT(r.err, HasSubstr("LogExpireInterval"));
}

TEST_F(ShellCli, NodeCfgErrorsNameTheNode) {
  base_.write("etc/node.cfg", std::string(kNodeCfg) + "[w9]\ntype=wroker\nhost=localhost\n");
  auto r = run({"nodes"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("node.cfg:"));
  EXPECT_THAT(r.err, HasSubstr("w9"));
  EXPECT_THAT(r.err, HasSubstr("wroker"));
}

TEST_F(ShellCli, UnknownCommandIsAnError) {
  auto r = run({"frobnicate"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("Error: unknown command 'frobnicate'"));
}

TEST_F(ShellCli, KeygenMakesTheMissingKeysOnceAndKeysListsThem) {
  auto r = run({"keygen"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("made keys: "));
  EXPECT_THAT(r.out, HasSubstr("broker, admin"));
  r = run({"keygen"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("every key exists already"));
  r = run({"keygen", "monitor", "tap1"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = run({"keygen", "root", "x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("usage: keygen"));
  r = run({"keys"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("admin  admin"));
  EXPECT_THAT(r.out, HasSubstr("monitor  tap1"));
  EXPECT_THAT(r.out, HasSubstr("(secret key here)"));
}

TEST_F(ShellCli, HelpListsCommandsAndDescribesOne) {
  auto r = run({"help"});
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("status [<nodes>]"));
  EXPECT_THAT(r.out, HasSubstr("cleanup [--all] [<nodes>]"));
  auto one = run({"help", "cleanup"});
  EXPECT_THAT(one.out, HasSubstr("TmpDir"));
  EXPECT_EQ(run({"help", "nope"}).exit_code, 1);
}

TEST_F(ShellCli, JsonHelpIsOneDocument) {
  Json doc = json_run({"help"}, 0);
  ASSERT_TRUE(doc["commands"].is_array());
  bool found = false;
  for (const Json& c : doc["commands"].array()) {
    if (c["name"].str() == "status") found = c["synopsis"].str() == "status [<nodes>]";
  }
  EXPECT_TRUE(found);
  doc = json_run({"help", "cleanup"}, 0);
  EXPECT_EQ(doc["name"].str(), "cleanup");
  EXPECT_THAT(doc["description"].str(), HasSubstr("TmpDir"));
}

TEST_F(ShellCli, JsonKeygenAndKeysRevokeAreOneDocument) {
  Json doc = json_run({"keygen"}, 0);
  EXPECT_TRUE(doc["ok"].boolean());
  EXPECT_GE(doc["made"].size(), 2u);
  doc = json_run({"keygen"}, 0);
  EXPECT_EQ(doc["made"].size(), 0u);
  doc = json_run({"keygen", "monitor", "tap1"}, 0);
  EXPECT_EQ(doc["made"][0].str(), "tap1");
  EXPECT_EQ(doc["role"].str(), "monitor");
  doc = json_run({"keys", "revoke", "tap1"}, 0);
  EXPECT_EQ(doc["revoked"].str(), "tap1");
}

// A failure prints {"ok": false, "error": {code, message}, "exit_code"} on stdout (the
// text stays on stderr), with the same exit code as without --json.
TEST_F(ShellCli, JsonErrorsAreOneDocumentOnStdout) {
  Json doc = json_run({"frobnicate"}, 1);
  EXPECT_FALSE(doc["ok"].boolean());
  EXPECT_EQ(doc["error"]["code"].str(), "unknown_command");
  EXPECT_THAT(doc["error"]["message"].str(), HasSubstr("unknown command 'frobnicate'"));
  EXPECT_EQ(doc["exit_code"].integer(), 1);

  doc = json_run({"help", "nope"}, 1);
  EXPECT_EQ(doc["error"]["code"].str(), "not_found");
  doc = json_run({"keygen", "root", "x"}, 1);
  EXPECT_THAT(doc["error"]["message"].str(), HasSubstr("usage: keygen"));

  base_.write("etc/cluster.cfg", "# ok\nLogExpireInterval = soon\n");
  doc = json_run({"config"}, 1);
  EXPECT_EQ(doc["error"]["code"].str(), "parse_error");
  EXPECT_THAT(doc["error"]["message"].str(), HasSubstr("cluster.cfg:2:"));
}

TEST_F(ShellCli, InteractiveSessionShowsBannerPromptAndRunsCommands) {
  auto r = run({}, "help\nnodes\nfrob\nexit\nconfig\n");
  EXPECT_EQ(r.exit_code, 1) << "exit code of the last command run (frob)";
  EXPECT_THAT(r.out, HasSubstr("Welcome to BroCluster 0.1.0\nType \"help\" for help.\n"));
  EXPECT_THAT(r.out, HasSubstr("[BroCluster] > "));
  EXPECT_THAT(r.out, HasSubstr("worker-2 - type=worker"));
  EXPECT_THAT(r.err, HasSubstr("unknown command 'frob'"));
  EXPECT_THAT(r.out, Not(HasSubstr("SpoolDir = ")));  // nothing runs after exit
}

TEST_F(ShellCli, InteractiveSessionEndsAtEndOfInput) {
  auto r = run({}, "nodes\n");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_FALSE(r.timed_out);
  auto quit = run({}, "quit\n");
  EXPECT_EQ(quit.exit_code, 0);
}

}  // namespace
}  // namespace bc::test
