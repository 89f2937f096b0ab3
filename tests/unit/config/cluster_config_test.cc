#include "config/cluster_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace bc::config {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct Parsed {
  ClusterConfig config;
  std::string diags;  // rendered
  bool errors = false;
};

Parsed parse(std::string_view text,
             std::map<std::string, std::string> presets = {{"BroBase", "/bro"}}) {
  Diagnostics d;
  Parsed p;
  p.config = parse_cluster_config(text, "cluster.cfg", presets, d);
  p.diags = d.render_all();
  p.errors = d.has_errors();
  return p;
}

TEST(ClusterConfigSyntax, KeyValueCommentsAndBlankLines) {
  const Parsed p = parse(
      "# a comment\n"
      "\n"
      "   # indented comment\n"
      "MailTo = ops@example.org   # trailing comment\n"
      "MailFrom=Bro <bro#1@example.org>\n"
      "BroArgs =\n");
  EXPECT_EQ(p.diags, "");
  EXPECT_EQ(p.config.get("MailTo"), "ops@example.org");
  EXPECT_EQ(p.config.get("MailFrom"), "Bro <bro#1@example.org>");  // '#' not after a space
  EXPECT_EQ(p.config.get("BroArgs"), "");
}

TEST(ClusterConfigSyntax, WindowsLineEndings) {
  const Parsed p = parse("MailTo = a@b\r\nDebug = 1\r\n");
  EXPECT_EQ(p.diags, "");
  EXPECT_EQ(p.config.get("MailTo"), "a@b");
  EXPECT_TRUE(p.config.get_bool("Debug"));
}

TEST(ClusterConfigSyntax, LineWithoutEqualsIsAnError) {
  const Parsed p = parse("Debug = 1\njust some text\n");
  EXPECT_TRUE(p.errors);
  EXPECT_THAT(p.diags,
              HasSubstr("Error: cluster.cfg:2: expected 'Key = value', got 'just some text'"));
}

TEST(ClusterConfigSyntax, EmptyKeyIsAnError) {
  const Parsed p = parse("= value\n");
  EXPECT_THAT(p.diags, HasSubstr("Error: cluster.cfg:1: empty option name in '= value'"));
}

TEST(ClusterConfigSyntax, InvalidKeyCharactersAreAnError) {
  const Parsed p = parse("Spool Dir = /x\n");
  EXPECT_THAT(p.diags, HasSubstr("Error: cluster.cfg:1: invalid option name 'Spool Dir'"));
}

TEST(ClusterConfigSyntax, QuotedValueIsAnErrorAndQuotesAreDropped) {
  const Parsed p = parse("\n\nMailTo = \"ops@example.org\"\nTimeFmt = '%H'\n");
  EXPECT_THAT(p.diags, HasSubstr("Error: cluster.cfg:3: option 'MailTo': values are not quoted; "
                                 "remove the quotes"));
  EXPECT_THAT(p.diags, HasSubstr("Error: cluster.cfg:4: option 'TimeFmt': values are not quoted"));
  EXPECT_EQ(p.config.get("MailTo"), "ops@example.org");
}

TEST(ClusterConfigSyntax, UnknownOptionWarnsAndIsKept) {
  const Parsed p = parse("Foo = bar\n");
  EXPECT_FALSE(p.errors);
  EXPECT_THAT(p.diags, HasSubstr("Warning: cluster.cfg:1: unknown option 'Foo'"));
  EXPECT_EQ(p.config.values().at("Foo"), "bar");
  EXPECT_EQ(p.config.get("foo"), "bar");
}

TEST(ClusterConfigSyntax, UnknownOptionSuggestsACloseName) {
  const Parsed p = parse("SpoolDri = /x\n");
  EXPECT_THAT(p.diags, HasSubstr("Warning: cluster.cfg:1: unknown option 'SpoolDri' (did you "
                                 "mean 'SpoolDir'?)"));
  EXPECT_THAT(parse("Foo = 1\n").diags, Not(HasSubstr("did you mean")));
}

TEST(ClusterConfigSyntax, DuplicateKeyWarnsNamingTheFirstLineAndLastWins) {
  const Parsed p = parse("SpoolDir = /a\nDebug = 0\nspooldir = /b\n");
  EXPECT_FALSE(p.errors);
  EXPECT_THAT(p.diags, HasSubstr("Warning: cluster.cfg:3: duplicate option 'SpoolDir' (first set "
                                 "on line 1); the last value wins"));
  EXPECT_EQ(p.config.get("SpoolDir"), "/b");
}

TEST(ClusterConfigKeys, CaseInsensitiveKeysUseCanonicalSpelling) {
  const Parsed p = parse("spooldir = /x\nSCRIPTS-WORKER = w\n");
  EXPECT_EQ(p.diags, "");
  EXPECT_EQ(p.config.values().at("SpoolDir"), "/x");
  EXPECT_EQ(p.config.values().count("spooldir"), 0u);
  EXPECT_EQ(p.config.get("SPOOLDIR"), "/x");
  EXPECT_EQ(p.config.get("Scripts-Worker"), "w");
}

TEST(ClusterConfigKeys, EveryTableOptionIsPresentWithItsDefault) {
  const Parsed p = parse("");
  EXPECT_EQ(p.config.get("SpoolDir"), "/bro/spool");
  EXPECT_EQ(p.config.get("DebugLog"), "/bro/spool/debug.log");
  EXPECT_EQ(p.config.get("ClusterCfg"), "/bro/etc/cluster.cfg");
  EXPECT_EQ(p.config.get("NodeProgram"), "/bro/bin/brocluster-node");
  EXPECT_EQ(p.config.get("MailFrom"), "Big Brother <bro@localhost>");
  EXPECT_EQ(p.config.get_int("BrokerPubPort"), 7760);
  EXPECT_DOUBLE_EQ(p.config.get_double("RestartBackoffJitter"), 0.1);
  EXPECT_TRUE(p.config.get_bool("SendMail"));
  EXPECT_EQ(p.config.get("NoSuchOption"), "");
}

TEST(ClusterConfigTypes, BadBoolIntDoubleNameOptionValueAndType) {
  const Parsed p = parse("Debug = maybe\nLogExpireInterval = ten\nStopTimeout = 1s\n");
  EXPECT_THAT(p.diags, HasSubstr("Error: cluster.cfg:1: option 'Debug': invalid bool value "
                                 "'maybe' (expected 1/0, true/false, yes/no or on/off)"));
  EXPECT_THAT(p.diags, HasSubstr("Error: cluster.cfg:2: option 'LogExpireInterval': invalid int "
                                 "value 'ten' (expected an integer)"));
  EXPECT_THAT(p.diags, HasSubstr("Error: cluster.cfg:3: option 'StopTimeout': invalid double "
                                 "value '1s' (expected a number)"));
  // Rejected values fall back to the default, so typed getters still work.
  EXPECT_FALSE(p.config.get_bool("Debug"));
  EXPECT_EQ(p.config.get_int("LogExpireInterval"), 30);
  EXPECT_DOUBLE_EQ(p.config.get_double("StopTimeout"), 10.0);
}

TEST(ClusterConfigTypes, AcceptedSpellings) {
  const Parsed p = parse("Debug = Yes\nHaveNFS = off\nSaveTraces = TRUE\nStopTimeout = 2.5\n");
  EXPECT_EQ(p.diags, "");
  EXPECT_TRUE(p.config.get_bool("Debug"));
  EXPECT_FALSE(p.config.get_bool("HaveNFS"));
  EXPECT_TRUE(p.config.get_bool("SaveTraces"));
  EXPECT_DOUBLE_EQ(p.config.get_double("StopTimeout"), 2.5);
}

TEST(ClusterConfigTypes, RangesAreChecked) {
  const Parsed p = parse(
      "RestartBackoffJitter = 2\nStopTimeout = -1\nHeartbeatInterval = 0\nMinDiskSpace = "
      "101\nRestartStormCount = 0\n");
  EXPECT_THAT(p.diags, HasSubstr("Error: cluster.cfg:1: option 'RestartBackoffJitter': value 2 "
                                 "out of range (must be between 0 and 1)"));
  EXPECT_THAT(p.diags, HasSubstr("Error: cluster.cfg:2: option 'StopTimeout': value -1 out of "
                                 "range (must be >= 0)"));
  EXPECT_THAT(p.diags, HasSubstr("Error: cluster.cfg:3: option 'HeartbeatInterval': value 0 out "
                                 "of range (must be > 0)"));
  EXPECT_THAT(p.diags, HasSubstr("Error: cluster.cfg:4: option 'MinDiskSpace': value 101 out of "
                                 "range (must be between 0 and 100)"));
  EXPECT_THAT(p.diags, HasSubstr("Error: cluster.cfg:5: option 'RestartStormCount': value 0 out "
                                 "of range (must be >= 1)"));
}

TEST(ClusterConfigPorts, OutOfRangeIsAnError) {
  const Parsed p = parse("BrokerPubPort = 0\nBrokerSubPort = 70000\nCollectorPort = x\n");
  EXPECT_THAT(p.diags, HasSubstr("Error: cluster.cfg:1: option 'BrokerPubPort': port 0 out of "
                                 "range 1..65535"));
  EXPECT_THAT(p.diags, HasSubstr("Error: cluster.cfg:2: option 'BrokerSubPort': port 70000 out "
                                 "of range 1..65535"));
  EXPECT_THAT(p.diags, HasSubstr("Error: cluster.cfg:3: option 'CollectorPort': invalid int value "
                                 "'x'"));
  EXPECT_EQ(p.config.get_int("BrokerPubPort"), 7760);
}

TEST(ClusterConfigPorts, EphemeralRangeIsAWarning) {
  const Parsed p = parse("SupervisorPort = 40000\nCollectorPort = 32767\n");
  EXPECT_FALSE(p.errors);
  EXPECT_THAT(p.diags, HasSubstr("Warning: cluster.cfg:1: option 'SupervisorPort': port 40000 "
                                 "lies in the ephemeral port range 32768-60999"));
  EXPECT_THAT(p.diags, Not(HasSubstr("CollectorPort")));
  EXPECT_EQ(p.config.get_int("SupervisorPort"), 40000);
}

TEST(ClusterConfigPorts, TwoEndpointsOnOnePortIsAnError) {
  const Parsed p = parse("\nBrokerSubPort = 7760\n");
  EXPECT_THAT(p.diags, HasSubstr("Error: cluster.cfg:2: option 'BrokerSubPort': port 7760 is "
                                 "already used by BrokerPubPort"));
}

TEST(ClusterConfigPorts, ZeekPortOptionsAreValidated) {
  const Parsed p = parse("ZeekPort = 0\nMetricsPort = 70000\nMetricsAddress = localhost\n");
  EXPECT_THAT(p.diags, HasSubstr("Error: cluster.cfg:1: option 'ZeekPort': port 0 out of range "
                                 "1..65535"));
  EXPECT_THAT(p.diags, HasSubstr("Error: cluster.cfg:2: option 'MetricsPort': port 70000 out of "
                                 "range"));
  EXPECT_THAT(p.diags, HasSubstr("Error: cluster.cfg:3: option 'MetricsAddress': invalid address "
                                 "'localhost' (expected a numeric IPv4 or IPv6 address, or "
                                 "empty)"));
}

TEST(ClusterConfigPorts, MetricsPortZeroAndAnyNumericAddressAreAccepted) {
  const Parsed p = parse("MetricsPort = 0\nMetricsAddress = ::1\n");
  EXPECT_EQ(p.diags, "");
  EXPECT_EQ(p.config.get_int("MetricsPort"), 0);
  EXPECT_EQ(parse("MetricsAddress = 10.1.2.3\n").diags, "");
  EXPECT_EQ(parse("MetricsAddress =\n").diags, "");
}

TEST(ClusterConfigPorts, ZeekPortInTheEphemeralRangeIsAWarning) {
  const Parsed p = parse("ZeekPort = 47760\n");
  EXPECT_FALSE(p.errors);
  EXPECT_THAT(p.diags, HasSubstr("Warning: cluster.cfg:1: option 'ZeekPort': port 47760 lies in "
                                 "the ephemeral port range"));
}

TEST(ClusterConfigEnvVars, MalformedGlobalEnvVarsIsAnError) {
  const Parsed p = parse("env_vars = A=1, FOO\n");
  EXPECT_THAT(p.diags, HasSubstr("Error: cluster.cfg:1: option 'env_vars': item 'FOO' has no '=' "
                                 "(expected NAME=VALUE)"));
  EXPECT_EQ(p.config.get("env_vars"), "");
  EXPECT_EQ(parse("ENV_VARS = A=1, B=x y\n").config.get("env_vars"), "A=1, B=x y");
}

TEST(ClusterConfigPresets, FileOverridesBroBasePreset) {
  const Parsed p = parse("BroBase = /elsewhere\n");
  EXPECT_EQ(p.diags, "");
  EXPECT_EQ(p.config.get("BroBase"), "/elsewhere");
  EXPECT_EQ(p.config.get("SpoolDir"), "/elsewhere/spool");
}

TEST(ClusterConfigPresets, ClusterCfgAndVersionPresetsWinOverTheFile) {
  const Parsed p =
      parse("ClusterCfg = /x.cfg\n", {{"BroBase", "/b"}, {"ClusterCfg", "/b/etc/cluster.cfg"}});
  EXPECT_THAT(p.diags, HasSubstr("Warning: cluster.cfg:1: option 'ClusterCfg' is determined by "
                                 "BroCluster; the value in the file is ignored"));
  EXPECT_EQ(p.config.get("ClusterCfg"), "/b/etc/cluster.cfg");
}

TEST(ClusterConfigPresets, PresetsAreLiteral) {
  const Parsed p = parse("", {{"BroBase", "/odd/${dir}"}});
  EXPECT_EQ(p.diags, "");
  EXPECT_EQ(p.config.get("SpoolDir"), "/odd/${dir}/spool");
}

TEST(ClusterConfigAccess, SetUsesCanonicalNamesAndTypedGetters) {
  ClusterConfig c;
  c.set("standalone", "1");
  c.set("MyKey", "a");
  c.set("mykey", "b");
  c.set("StopTimeout", "2.5");
  c.set("MemLimit", "512");
  EXPECT_EQ(c.values().at("StandAlone"), "1");
  EXPECT_EQ(c.values().size(), 4u);
  EXPECT_EQ(c.get("MYKEY"), "b");
  EXPECT_TRUE(c.get_bool("StandAlone"));
  EXPECT_DOUBLE_EQ(c.get_double("stoptimeout"), 2.5);
  EXPECT_EQ(c.get_int("MemLimit"), 512);
  EXPECT_EQ(c.get_int("Nope"), 0);
  EXPECT_FALSE(c.get_bool("Nope"));
}

TEST(ValueParsers, Bool) {
  bool b = false;
  for (const char* t : {"1", "true", "YES", "On"}) {
    EXPECT_TRUE(parse_bool(t, &b) && b) << t;
  }
  for (const char* f : {"0", "False", "no", "OFF"}) {
    EXPECT_TRUE(parse_bool(f, &b) && !b) << f;
  }
  EXPECT_FALSE(parse_bool("2", &b));
  EXPECT_FALSE(parse_bool("", &b));
}

TEST(ValueParsers, IntAndDouble) {
  std::int64_t i = 0;
  EXPECT_TRUE(parse_int(" 42 ", &i));
  EXPECT_EQ(i, 42);
  EXPECT_TRUE(parse_int("-3", &i));
  EXPECT_EQ(i, -3);
  EXPECT_FALSE(parse_int("4x", &i));
  EXPECT_FALSE(parse_int("", &i));
  EXPECT_FALSE(parse_int("99999999999999999999", &i));
  double d = 0;
  EXPECT_TRUE(parse_double("0.25", &d));
  EXPECT_DOUBLE_EQ(d, 0.25);
  EXPECT_TRUE(parse_double("3", &d));
  EXPECT_FALSE(parse_double("1.5s", &d));
  EXPECT_FALSE(parse_double("inf", &d));
  EXPECT_FALSE(parse_double("nan", &d));
}

}  // namespace
}  // namespace bc::config
