#include "config/option_table.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "config/cluster_config.h"
#include "config/option_checks.h"
#include "test_util.h"

namespace bc::config {
namespace {

using ::testing::HasSubstr;

struct Expected {
  const char* name;
  OptionType type;
  const char* default_value;
  OptionCategory category;
};

constexpr OptionType S = OptionType::kString;
constexpr OptionType I = OptionType::kInt;
constexpr OptionType B = OptionType::kBool;
constexpr OptionType D = OptionType::kDouble;
constexpr OptionCategory U = OptionCategory::kUser;
constexpr OptionCategory N = OptionCategory::kInternal;
constexpr OptionCategory X = OptionCategory::kDesign;

// The manual's Option Reference, with the documented decisions (ClusterCfg, MailTo,
// HaveBroccoli), plus the design options.
const Expected kExpected[] = {
    {"AuxScriptsManager", S, "", U},
    {"AuxScriptsStandalone", S, "", U},
    {"AuxScriptsWorker", S, "", U},
    {"BroArgs", S, "", U},
    {"CFlowAddr", S, "", U},
    {"CFlowPassword", S, "", U},
    {"CFlowUser", S, "", U},
    {"CustomInstallBin", S, "", U},
    {"Debug", B, "0", U},
    {"HaveNFS", B, "0", U},
    {"LogDir", S, "${BroBase}/logs", U},
    {"LogExpireInterval", I, "30", U},
    {"MailAlarmPrefix", S, "ALERT:", U},
    {"MailAlarms", B, "1", U},
    {"MailFrom", S, "Big Brother <bro@localhost>", U},
    {"MailReplyTo", S, "", U},
    {"MailSubjectPrefix", S, "[Bro]", U},
    {"MailTo", S, "root@localhost", U},
    {"MinDiskSpace", I, "5", U},
    {"Prefixes", S, "local", U},
    {"SaveTraces", B, "0", U},
    {"SendMail", B, "1", U},
    {"SitePolicyManager", S, "local-manager.bro", U},
    {"SitePolicyPath", S, "${BroBase}/policy/local", U},
    {"SitePolicyStandalone", S, "local.bro", U},
    {"SitePolicyWorker", S, "local-worker.bro", U},
    {"TimeFmt", S, "%d %b %H:%M:%S", U},
    // Internal.
    {"AnalysisCfg", S, "${CfgDir}/analysis.dat", N},
    {"BinDir", S, "${BroBase}/bin", N},
    {"BroBase", S, "", N},
    {"Capstats", S, "", N},
    {"CfgDir", S, "${BroBase}/etc", N},
    {"ClusterCfg", S, "${CfgDir}/cluster.cfg", N},
    {"DebugLog", S, "${SpoolDir}/debug.log", N},
    {"DistDir", S, "", N},
    {"HaveBroccoli", B, "0", N},
    {"HelperDir", S, "${BroBase}/bin/cluster-helper", N},
    {"LibDir", S, "${BroBase}/lib", N},
    {"LocalNetsCfg", S, "${CfgDir}/networks.cfg", N},
    {"LockFile", S, "${SpoolDir}/lock", N},
    {"NodeCfg", S, "${CfgDir}/node.cfg", N},
    {"OS", S, "", N},
    {"PolicyDir", S, "${BroBase}/policy", N},
    {"Scripts-Manager", S, "cluster-manager", N},
    {"Scripts-Proxy", S, "cluster-proxy", N},
    {"Scripts-Standalone", S, "standalone", N},
    {"Scripts-Worker", S, "cluster-worker", N},
    {"SpoolDir", S, "${BroBase}/spool", N},
    {"StandAlone", B, "0", N},
    {"StateFile", S, "${SpoolDir}/cluster.dat", N},
    {"StatsLog", S, "${SpoolDir}/stats.log", N},
    {"Time", S, "", N},
    {"TmpDir", S, "${SpoolDir}/tmp", N},
    {"TmpExecDir", S, "${SpoolDir}/tmp", N},
    {"TraceSummary", S, "", N},
    {"KeysDir", S, "${CfgDir}/keys", N},
    {"SecretKeyDir", S, "${BroBase}/etc/keys/secret", N},
    {"Version", S, "", N},
    // Design.
    {"BrokerPubPort", I, "7760", X},
    {"BrokerSubPort", I, "7761", X},
    {"SupervisorPort", I, "7762", X},
    {"CollectorPort", I, "7763", X},
    {"WebAddress", S, "127.0.0.1", X},
    {"WebPort", I, "7764", X},
    {"BrokerHost", S, "", X},
    {"BindAddress", S, "", X},
    {"StartLocalDaemons", B, "1", X},
    {"NodeProgram", S, "${BinDir}/brocluster-node", X},
    {"NodeProfile", S, "brocluster", X},
    {"ZeekPath", S, "zeek", X},
    {"SitePolicyScripts", S, "local.zeek", X},
    {"ClusterBackend", S, "ZeroMQ", X},
    {"NodePortBase", I, "7770", X},
    {"LogBufferMaxDisk", I, "256", X},
    {"SendMailCommand", S, "/usr/sbin/sendmail -t", X},
    {"StopTimeout", D, "10", X},
    {"CommTimeout", D, "5", X},
    {"LockTimeout", D, "30", X},
    {"StartTimeout", D, "30", X},
    {"ReadyGraceTime", D, "1", X},
    {"HeartbeatInterval", D, "1", X},
    {"HostTimeout", D, "3", X},
    {"StatsInterval", D, "10", X},
    {"StatsLogInterval", D, "300", X},
    {"RestartPolicy", S, "always", X},
    {"RestartBackoffInitial", D, "0", X},
    {"RestartBackoffFactor", D, "2", X},
    {"RestartBackoffMax", D, "60", X},
    {"RestartBackoffJitter", D, "0.1", X},
    {"RestartStableTime", D, "60", X},
    {"RestartStormCount", I, "5", X},
    {"RestartStormWindow", D, "60", X},
    {"MemLimit", I, "0", X},
    {"CrashCoreMaxSize", I, "512", X},
    {"LogRotationInterval", I, "86400", X},
    {"CompressLogs", B, "1", X},
    {"CronEnabled", B, "1", X},
    {"CronInterval", D, "300", X},
    {"MailHostUpDown", B, "1", X},
    {"ZeekPort", I, "27760", X},
    {"MetricsPort", I, "9991", X},
    {"MetricsAddress", S, "127.0.0.1", X},
    {"ZeekControlPort", I, "27759", X},
    {"ZeekControlAddress", S, "127.0.0.1", X},
    {"BusSecurity", S, "curve", X},
    {"ReplayWindow", D, "60", X},
    {"env_vars", S, "", X},
};

TEST(OptionTable, HasEveryOptionWithTypeDefaultAndCategory) {
  for (const Expected& e : kExpected) {
    SCOPED_TRACE(e.name);
    const OptionSpec* spec = find_option(e.name);
    ASSERT_NE(spec, nullptr);
    EXPECT_EQ(spec->name, e.name);
    EXPECT_EQ(spec->type, e.type);
    EXPECT_EQ(spec->default_value, e.default_value);
    EXPECT_EQ(spec->category, e.category);
    EXPECT_FALSE(spec->description.empty());
  }
  EXPECT_EQ(option_table().size(), std::size(kExpected));
}

TEST(OptionTable, LookupIsCaseInsensitive) {
  ASSERT_NE(find_option("sitepolicypath"), nullptr);
  EXPECT_EQ(find_option("SCRIPTS-WORKER")->name, "Scripts-Worker");
  EXPECT_EQ(find_option("NoSuchOption"), nullptr);
}

TEST(OptionTable, NamesAreUnique) {
  for (const OptionSpec& spec : option_table()) {
    EXPECT_EQ(find_option(spec.name), &spec) << spec.name;
  }
}

TEST(OptionTable, TypeNames) {
  EXPECT_EQ(option_type_name(OptionType::kString), "string");
  EXPECT_EQ(option_type_name(OptionType::kInt), "int");
  EXPECT_EQ(option_type_name(OptionType::kBool), "bool");
  EXPECT_EQ(option_type_name(OptionType::kDouble), "double");
}

TEST(OptionTable, DefaultPortsAvoidEphemeralAndReservedRanges) {
  int ports = 0;
  for (const OptionSpec& spec : option_table()) {
    if (!detail::is_port_option(spec.name) || detail::is_zeek_port_option(spec.name)) continue;
    ++ports;
    std::int64_t port = 0;
    ASSERT_TRUE(parse_int(spec.default_value, &port)) << spec.name;
    EXPECT_FALSE(port >= 32768 && port <= 60999) << spec.name;
    EXPECT_FALSE(port >= 27759 && port <= 27770) << spec.name;
    EXPECT_LT(port, 9991) << spec.name;
    EXPECT_GE(port, 1) << spec.name;
  }
  EXPECT_EQ(ports, 5);  // the bus ports and WebPort
}

// zeekctl's defaults: Zeek nodes get 27760.. and metrics ports 9991.., the ranges the
// test above keeps BroCluster's own ports out of.
TEST(OptionTable, ZeekPortDefaultsAreZeekctls) {
  Diagnostics diags;
  const ClusterConfig config = parse_cluster_config("", "cluster.cfg", {{"BroBase", "/b"}}, diags);
  EXPECT_EQ(config.get_int("ZeekPort"), 27760);
  EXPECT_EQ(config.get_int("MetricsPort"), 9991);
  EXPECT_EQ(config.get("MetricsAddress"), "127.0.0.1");
  EXPECT_TRUE(detail::is_zeek_port_option("ZeekPort"));
  EXPECT_TRUE(detail::is_zeek_port_option("MetricsPort"));
  EXPECT_FALSE(detail::is_zeek_port_option("BrokerPubPort"));
}

TEST(OptionTable, EveryDefaultResolvesAndValidatesWithoutDiagnostics) {
  Diagnostics diags;
  const ClusterConfig config = parse_cluster_config("", "cluster.cfg", {{"BroBase", "/b"}}, diags);
  EXPECT_EQ(diags.render_all(), "");
  for (const OptionSpec& spec : option_table()) {
    EXPECT_EQ(detail::check_option_value(spec, config.get(spec.name)), std::nullopt) << spec.name;
    EXPECT_EQ(config.get(spec.name).find("${"), std::string::npos) << spec.name;
  }
}

TEST(OptionTable, DocsMentionEveryOption) {
  std::ifstream in(testing_util::source_dir() + "/docs/CONFIG.md");
  ASSERT_TRUE(in) << "docs/CONFIG.md missing";
  std::stringstream text;
  text << in.rdbuf();
  for (const OptionSpec& spec : option_table()) {
    EXPECT_THAT(text.str(), HasSubstr("`" + std::string(spec.name) + "`"))
        << spec.name << " is not documented in docs/CONFIG.md";
  }
}

}  // namespace
}  // namespace bc::config
