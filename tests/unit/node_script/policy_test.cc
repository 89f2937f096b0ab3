// The shipped policy dir (policy/ in the source tree): every script loads for every node
// type with the default configuration, and declares the engine's knobs as the contract
// has them.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "common/file_util.h"
#include "common/strings.h"
#include "config/cluster_config.h"
#include "config/node_scripts.h"
#include "script_test_util.h"

namespace bc::node::script {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

const std::string kPolicy = std::string(BC_SOURCE_DIR) + "/policy";

// The default cluster.cfg, with the policy dirs pointing into the source tree.
config::ClusterConfig default_config() {
  config::Diagnostics diags;
  config::ClusterConfig cfg =
      config::parse_cluster_config("", "cluster.cfg", {{"BroBase", "/nonexistent"}}, diags);
  EXPECT_FALSE(diags.has_errors()) << diags.render_all();
  cfg.set("PolicyDir", kPolicy);
  cfg.set("SitePolicyPath", kPolicy + "/local");
  return cfg;
}

Program load_for(config::NodeType type, std::vector<std::string>* files = nullptr) {
  const config::ClusterConfig cfg = default_config();
  config::NodeSpec node;
  node.type = type;
  std::vector<Diagnostic> errors;
  Result<Program> program =
      load_scripts(config::node_scripts(cfg, node), load_options_for(cfg), errors);
  std::vector<std::string> rendered;
  for (const auto& e : errors)
    rendered.push_back(e.to_string());
  EXPECT_THAT(rendered, IsEmpty()) << config::node_type_name(type);
  if (!program.is_ok()) return {};
  if (files != nullptr) {
    for (const auto& f : program->files)
      files->push_back(f.substr(kPolicy.size() + 1));
  }
  return std::move(program).value();
}

std::vector<std::string> loaded_analyses(const Program& p) {
  std::vector<std::string> out;
  if (const Value* v = p.globals.find("Analysis::loaded")) {
    for (const Value& e : v->as_set())
      out.push_back(e.as_string());
  }
  return out;
}

struct Knob {
  const char* id;
  const char* type;
  const char* printed;
};

// The contract's knob table (docs/SCRIPTS.md, "The standard policy dir").
const Knob kPolicyKnobs[] = {
    {"Conn::tcp_inactivity_timeout", "interval", "5.0 mins"},
    {"Conn::udp_inactivity_timeout", "interval", "1.0 min"},
    {"Conn::icmp_inactivity_timeout", "interval", "1.0 min"},
    {"Scan::addr_scan_threshold", "count", "25"},
    {"Scan::port_scan_threshold", "count", "15"},
    {"Scan::scan_interval", "interval", "5.0 mins"},
    {"Scan::skip_scan_ports", "set[port]", "{\n\n}"},
    {"Scan::skip_scan_sources", "set[subnet]", "{\n\n}"},
    {"HTTP::max_body_bytes", "count", "4096"},
    {"HTTP::log_headers", "set[string]", "{\n\tCONTENT-TYPE,\n\tHOST,\n\tUSER-AGENT\n}"},
    {"Site::local_nets", "set[subnet]", "{\n\n}"},
    {"Notice::emailed_types", "set[string]", "{\n\n}"},
    {"Notice::alarmed_types", "set[string]", "{\n\tScan::Address_Scan,\n\tScan::Port_Scan\n}"},
};

TEST(Policy, EveryNodeTypeLoadsWithoutErrorsAndHasEveryKnob) {
  for (const auto type :
       {config::NodeType::kStandalone, config::NodeType::kManager, config::NodeType::kLogger,
        config::NodeType::kProxy, config::NodeType::kWorker}) {
    SCOPED_TRACE(std::string(config::node_type_name(type)));
    const Program p = load_for(type);
    ASSERT_FALSE(p.files.empty());
    for (const Knob& k : kPolicyKnobs) {
      const Value* v = p.globals.find(k.id);
      ASSERT_NE(v, nullptr) << k.id;
      EXPECT_EQ(type_name(v->type(), v->element_type()), k.type) << k.id;
      EXPECT_EQ(v->print(), k.printed) << k.id;
      EXPECT_TRUE(p.globals.is_redef(k.id)) << k.id;
    }
  }
}

TEST(Policy, LoadOrderPerNodeType) {
  std::vector<std::string> worker, manager, proxy, standalone;
  load_for(config::NodeType::kWorker, &worker);
  load_for(config::NodeType::kManager, &manager);
  load_for(config::NodeType::kProxy, &proxy);
  load_for(config::NodeType::kStandalone, &standalone);
  const std::vector<std::string> analyses = {
      "cluster-worker.bro", "conn.bro", "analysis.bro",   "dns.bro",
      "http-request.bro",   "http.bro", "http-reply.bro", "http-header.bro",
      "http-body.bro",      "scan.bro", "notice.bro",     "local/local-worker.bro",
      "local/local.bro"};
  EXPECT_THAT(worker, ElementsAreArray(analyses));
  EXPECT_THAT(manager,
              ElementsAre("cluster-manager.bro", "conn.bro", "analysis.bro", "scan.bro",
                          "notice.bro", "http.bro", "local/local-manager.bro", "local/local.bro"));
  EXPECT_THAT(proxy,
              ElementsAre("cluster-proxy.bro", "conn.bro", "analysis.bro", "scan.bro", "notice.bro",
                          "http.bro", "local/local-worker.bro", "local/local.bro"));
  EXPECT_EQ(standalone.front(), "standalone.bro");
  EXPECT_EQ(standalone.back(), "local/local.bro");
}

TEST(Policy, AnalysesLoadedPerNodeType) {
  const std::vector<std::string> all = {"dns",        "http-body",    "http-header",
                                        "http-reply", "http-request", "scan"};
  EXPECT_EQ(loaded_analyses(load_for(config::NodeType::kWorker)), all);
  EXPECT_EQ(loaded_analyses(load_for(config::NodeType::kStandalone)), all);
  EXPECT_THAT(loaded_analyses(load_for(config::NodeType::kManager)), ElementsAre("scan"));
  EXPECT_THAT(loaded_analyses(load_for(config::NodeType::kProxy)), ElementsAre("scan"));
}

TEST(Policy, EveryShippedScriptLoadsOnItsOwn) {
  LoadOptions options{{kPolicy + "/local", kPolicy}, {"local"}};
  int count = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(kPolicy)) {
    if (entry.path().extension() != ".bro") continue;
    ++count;
    std::vector<Diagnostic> errors;
    const auto program = load_scripts({entry.path().string()}, options, errors);
    EXPECT_TRUE(program.is_ok()) << entry.path() << ": " << program.status().message();
  }
  EXPECT_EQ(count, 19);  // 16 in policy/, 3 samples in policy/local
}

TEST(Policy, FtpAndSmtpAskForTheirAnalyses) {
  LoadOptions options{{kPolicy}, {}};
  std::vector<Diagnostic> errors;
  const auto program = load_scripts({"ftp", "smtp"}, options, errors);
  ASSERT_TRUE(program.is_ok()) << program.status().message();
  EXPECT_THAT(loaded_analyses(*program), ElementsAre("ftp", "smtp"));
}

TEST(Policy, SamplesRedefineNothingAsShipped) {
  // Uncommenting is the site's choice: the samples must leave every default alone.
  const Program plain = [] {
    LoadOptions options{{kPolicy}, {}};
    std::vector<Diagnostic> errors;
    return load_scripts({"cluster-worker"}, options, errors).value();
  }();
  const Program with_site = load_for(config::NodeType::kWorker);
  const UpdatePlan diff = plan_update(plain.globals, with_site.globals);
  EXPECT_THAT(diff.changed, IsEmpty());
  EXPECT_THAT(diff.refused, IsEmpty());
}

TEST(Policy, UncommentedSampleRedefsAreValid) {
  // Every example in local.bro, uncommented, must load: the samples teach the syntax.
  testing_util::ScriptDir site;
  std::string text = *read_file(kPolicy + "/local/local.bro");
  std::string uncommented;
  for (const std::string& line : split_trimmed(text, "\n")) {
    if (line.rfind("# redef ", 0) == 0) uncommented += line.substr(2) + "\n";
  }
  ASSERT_FALSE(uncommented.empty());
  site.write("local.bro", uncommented);
  LoadOptions options{{site.path(), kPolicy}, {"local"}};
  std::vector<Diagnostic> errors;
  const auto program = load_scripts({"cluster-worker", "local"}, options, errors);
  ASSERT_TRUE(program.is_ok()) << program.status().message();
  EXPECT_EQ(program->globals.find("Scan::addr_scan_threshold")->as_count(), 50u);
}

}  // namespace
}  // namespace bc::node::script
