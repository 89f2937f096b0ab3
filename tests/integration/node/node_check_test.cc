// brocluster-node --check and --print-scripts: a table of broken site scripts, each with
// the file:line:column message it must produce; analysis types the engine cannot do.

#include <gtest/gtest.h>

#include "tests/integration/node/node_harness.h"
#include "tests/support/bus_client.h"
#include "tests/support/processes.h"

namespace bc::test {
namespace {

ProcessResult run_node(const NodeSite& site, std::vector<std::string> args) {
  std::vector<std::string> argv = {node_binary(), "--base", site.base()};
  argv.insert(argv.end(), args.begin(), args.end());
  RunOptions options;
  options.timeout = Millis(20000);
  return run_process(argv, options);
}

struct BrokenScript {
  const char* name;
  const char* text;
  const char* location;  // line:column in local.bro
  const char* message;
};

const BrokenScript kBroken[] = {
    {"missing value", "redef Scan::addr_scan_threshold = ;\n", "1:35",
     "syntax error: expected a value, got ';'"},
    {"wrong type in redef", "\n\nredef Scan::addr_scan_threshold = 5 mins;\n", "3:35",
     "type mismatch for 'Scan::addr_scan_threshold': expected count, got interval"},
    {"unknown script", "# site\n@load nosuch\n", "2:1", "cannot load 'nosuch'"},
    {"wrong type in declaration", "const x: count = \"a\";\n", "1:18",
     "type mismatch for 'x': expected count, got string"},
};

TEST(NodeCheck, AcceptsTheStandardPolicy) {
  NodeSite site(kStandaloneCfg);
  const ProcessResult r = run_node(site, {"--check"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "bro: 12 scripts ok\n");
}

TEST(NodeCheck, BrokenScriptsNameFileLineAndColumn) {
  for (const BrokenScript& b : kBroken) {
    SCOPED_TRACE(b.name);
    NodeSite site(kStandaloneCfg);
    site.write_site("local.bro", b.text);
    const ProcessResult r = run_node(site, {"--check"});
    EXPECT_EQ(r.exit_code, 1);
    const std::string prefix = site.base() + "/site/local.bro:" + b.location + ": ";
    EXPECT_NE(r.err.find(prefix + b.message), std::string::npos) << r.err;
  }
}

TEST(NodeCheck, EveryProblemIsReportedInOnePass) {
  NodeSite site(kStandaloneCfg);
  std::string all;
  for (const BrokenScript& b : kBroken)
    all += b.text;
  site.write_site("local.bro", all);
  const ProcessResult r = run_node(site, {"--check"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_GE(std::count(r.err.begin(), r.err.end(), '\n'), 3) << r.err;
}

TEST(NodeCheck, RejectsAnAnalysisTheEngineCannotDo) {
  NodeSite site(kStandaloneCfg);
  site.write_site("local.bro", "@load ftp\n");
  const ProcessResult r = run_node(site, {"--check"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("ftp.bro: analysis type 'ftp' is not supported by brocluster-node"),
            std::string::npos)
      << r.err;
  // ... and a node does not start with it either.
  NodeRun node(site, NodeStart{"bro", "standalone", {"-r", "/dev/null"}, {}, {}});
  EXPECT_EQ(node.wait_exit(Millis(15000)), 1);
  EXPECT_NE(node.err().find("analysis type 'ftp'"), std::string::npos) << node.diagnostics();
}

TEST(NodeCheck, AnAnalysisSwitchedOffInAnalysisDatIsFine) {
  NodeSite site(kStandaloneCfg);
  site.write_site("local.bro", "@load ftp\n@load smtp\n");
  site.write("etc/analysis.dat", "ftp 0 FTP\nsmtp 0 SMTP\ndns 1 DNS\nscan 1 Scans\n");
  const ProcessResult r = run_node(site, {"--check"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(NodePrintScripts, ListsTheLoadOrderOfEachType) {
  NodeSite site(
      "[manager]\ntype=manager\nhost=localhost\n[proxy-1]\ntype=proxy\nhost=localhost\n"
      "[worker-1]\ntype=worker\nhost=localhost\ninterface=lo\naux_scripts=extra\n",
      {"AuxScriptsWorker = aux-all"});
  site.write_site("aux-all.bro", "# every worker\n");
  site.write_site("extra.bro", "# this worker\n");
  const ProcessResult worker = run_node(site, {"--node", "worker-1", "--print-scripts"});
  ASSERT_EQ(worker.exit_code, 0) << worker.err;
  EXPECT_EQ(
      worker.out,
      "cluster-worker.bro\nconn.bro\nanalysis.bro\ndns.bro\nhttp-request.bro\nhttp.bro\n"
      "http-reply.bro\nhttp-header.bro\nhttp-body.bro\nscan.bro\nnotice.bro\nlocal-worker.bro\n"
      "local.bro\naux-all.bro\nextra.bro\n");
  const ProcessResult manager = run_node(site, {"--node", "manager", "--print-scripts"});
  ASSERT_EQ(manager.exit_code, 0) << manager.err;
  EXPECT_EQ(manager.out.rfind("cluster-manager.bro\n", 0), 0u) << manager.out;
  EXPECT_NE(manager.out.find("local-manager.bro\nlocal.bro\n"), std::string::npos) << manager.out;

  const ProcessResult full =
      run_node(site, {"--node", "worker-1", "--print-scripts", "--full-paths"});
  ASSERT_EQ(full.exit_code, 0) << full.err;
  EXPECT_EQ(full.out.rfind(source_path("policy/cluster-worker.bro") + "\n", 0), 0u) << full.out;
  EXPECT_NE(full.out.find(site.base() + "/site/extra.bro\n"), std::string::npos) << full.out;
}

TEST(NodeCli, UsageErrorsAndUnknownNodes) {
  NodeSite site(kStandaloneCfg);
  EXPECT_EQ(run_node(site, {"--full-paths"}).exit_code, 2);
  EXPECT_NE(run_node(site, {"--bogus"}).exit_code, 0);
  const ProcessResult unknown = run_node(site, {"--node", "nosuch", "--check"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("node 'nosuch' is not in node.cfg"), std::string::npos) << unknown.err;
  const ProcessResult type = run_node(site, {"--node", "x", "--type", "bogus", "--check"});
  EXPECT_EQ(type.exit_code, 1);
  EXPECT_NE(type.err.find("unknown node type 'bogus'"), std::string::npos) << type.err;
}

}  // namespace
}  // namespace bc::test
