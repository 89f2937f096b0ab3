// ${Option} and ${Option:default} in cluster.cfg values.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/cluster_config.h"

namespace bc::config {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct Interpolated {
  ClusterConfig config;
  std::string diags;
  std::size_t count = 0;
};

Interpolated parse_interpolated(std::string_view text) {
  Diagnostics d;
  Interpolated p;
  p.config = parse_cluster_config(text, "cluster.cfg", {{"BroBase", "/bro"}}, d);
  p.diags = d.render_all();
  p.count = d.items().size();
  return p;
}

TEST(Interpolation, ReferencesFileValuesPresetsAndDefaults) {
  const Interpolated p = parse_interpolated(
      "MyDir = ${SpoolDir}/mine\n"       // default of SpoolDir, itself ${BroBase}/spool
      "LogDir = ${MyDir}/logs\n"         // a key of the file that is not an option
      "SitePolicyPath = ${brobase}/p\n"  // references are case-insensitive
      "Extra = ${DebugLog}\n");
  EXPECT_THAT(p.diags, Not(HasSubstr("Error")));
  EXPECT_EQ(p.config.get("MyDir"), "/bro/spool/mine");
  EXPECT_EQ(p.config.get("LogDir"), "/bro/spool/mine/logs");
  EXPECT_EQ(p.config.get("SitePolicyPath"), "/bro/p");
  EXPECT_EQ(p.config.get("Extra"), "/bro/spool/debug.log");
}

TEST(Interpolation, FileValueChangesEveryDefaultThatReferencesIt) {
  const Interpolated p = parse_interpolated("SpoolDir = /var/spool/bro\n");
  EXPECT_EQ(p.config.get("DebugLog"), "/var/spool/bro/debug.log");
  EXPECT_EQ(p.config.get("TmpDir"), "/var/spool/bro/tmp");
  EXPECT_EQ(p.config.get("LockFile"), "/var/spool/bro/lock");
}

TEST(Interpolation, DefaultsAreUsedForUnknownOrEmptyReferences) {
  const Interpolated p = parse_interpolated(
      "A = ${Nope:fallback}\n"
      "B = ${MailReplyTo:nobody@x}\n"  // empty option -> default
      "C = ${MailTo:nobody@x}\n"       // set option -> its value
      "D = x${Nope:}y\n");             // empty default
  EXPECT_EQ(p.config.get("A"), "fallback");
  EXPECT_EQ(p.config.get("B"), "nobody@x");
  EXPECT_EQ(p.config.get("C"), "root@localhost");
  EXPECT_EQ(p.config.get("D"), "xy");
  EXPECT_THAT(p.diags, Not(HasSubstr("Error")));
}

TEST(Interpolation, NestedReferencesInDefaults) {
  const Interpolated p = parse_interpolated(
      "A = ${Nope:${Other:${BroBase}/deep}}\n"
      "Other2 = x\n"
      "B = ${Nope:${Other2}}-${Other2}\n");
  EXPECT_EQ(p.config.get("A"), "/bro/deep");
  EXPECT_EQ(p.config.get("B"), "x-x");
}

TEST(Interpolation, DollarWithoutBraceIsLiteral) {
  const Interpolated p = parse_interpolated("BroArgs = -e $x {y}\n");
  EXPECT_EQ(p.diags, "");
  EXPECT_EQ(p.config.get("BroArgs"), "-e $x {y}");
}

TEST(Interpolation, UnknownReferenceWithoutDefaultIsAnError) {
  const Interpolated p = parse_interpolated("\nSpoolDir = ${Nope}/spool\n");
  EXPECT_THAT(p.diags, HasSubstr("Error: cluster.cfg:2: option 'SpoolDir': reference to unknown "
                                 "option 'Nope'"));
  EXPECT_EQ(p.config.get("SpoolDir"), "/bro/spool");  // falls back to the default
}

TEST(Interpolation, UnterminatedAndEmptyReferencesAreErrors) {
  const Interpolated p = parse_interpolated("A = ${BroBase\nB = ${}\n");
  EXPECT_THAT(p.diags, HasSubstr("Error: cluster.cfg:1: option 'A': unterminated '${' in value "
                                 "'${BroBase'"));
  EXPECT_THAT(p.diags, HasSubstr("Error: cluster.cfg:2: option 'B': empty reference '${}'"));
  EXPECT_EQ(p.config.get("A"), "");
}

TEST(Interpolation, TwoOptionCycleIsReportedOnceNamingTheCycle) {
  const Interpolated p = parse_interpolated("A = ${B}\nB = ${A}\n");
  EXPECT_THAT(p.diags, HasSubstr("Error: cluster.cfg:2: interpolation cycle: A -> B -> A"));
  EXPECT_EQ(p.count, 3u) << p.diags;  // two unknown-option warnings and the cycle
}

TEST(Interpolation, SelfReferenceIsACycle) {
  const Interpolated p = parse_interpolated("SpoolDir = ${SpoolDir}/x\n");
  EXPECT_THAT(p.diags, HasSubstr("Error: cluster.cfg:1: interpolation cycle: SpoolDir -> "
                                 "SpoolDir"));
  EXPECT_EQ(p.config.get("SpoolDir"), "/bro/spool");
}

TEST(Interpolation, CycleThroughAPresetFallsBackCleanly) {
  // The cycle is broken where it was entered (BroBase falls back to its preset), and it
  // is reported once although SpoolDir's default meets it again.
  const Interpolated p = parse_interpolated("BroBase = ${SpoolDir}\nSpoolDir = ${BroBase}/s\n");
  EXPECT_THAT(p.diags, HasSubstr("Error: cluster.cfg:2: interpolation cycle: BroBase -> SpoolDir "
                                 "-> BroBase"));
  EXPECT_EQ(p.count, 1u) << p.diags;
  EXPECT_EQ(p.config.get("BroBase"), "/bro");
  EXPECT_EQ(p.config.get("SpoolDir"), "/bro/s");
  EXPECT_EQ(p.config.get("DebugLog"), "/bro/s/debug.log");
}

TEST(Interpolation, ThreeOptionCycle) {
  const Interpolated p =
      parse_interpolated("LogDir = ${TmpDir}\nTmpDir = ${StatsLog}\nStatsLog = ${LogDir}\n");
  EXPECT_THAT(p.diags, HasSubstr("interpolation cycle: LogDir -> TmpDir -> StatsLog -> LogDir"));
  EXPECT_EQ(p.config.get("LogDir"), "/bro/logs");
  EXPECT_EQ(p.config.get("TmpDir"), "/bro/spool/tmp");
}

TEST(Interpolation, TypedOptionsAreValidatedAfterInterpolation) {
  const Interpolated p =
      parse_interpolated("Base = 7000\nBrokerPubPort = ${Base}\nDebug = ${Nope:yes}\n");
  EXPECT_THAT(p.diags, Not(HasSubstr("Error")));
  EXPECT_EQ(p.config.get_int("BrokerPubPort"), 7000);
  EXPECT_TRUE(p.config.get_bool("Debug"));
}

TEST(Interpolation, RejectedValueIsNotSeenByReferences) {
  const Interpolated p = parse_interpolated("StopTimeout = soon\nX = ${StopTimeout}\n");
  EXPECT_THAT(p.diags, HasSubstr("option 'StopTimeout': invalid double value 'soon'"));
  EXPECT_EQ(p.config.get("X"), "10");
}

// Regression (fuzzing, docs/FUZZING.md): each reference recursed, so a chain of 20000
// options each naming the next overflowed the stack (and ClusterConfig::set scanned every
// key, so reading them took minutes). Past kMaxReferenceDepth levels a reference is an
// error and the options fall back to their defaults.
TEST(Interpolation, ReferenceChainDeeperThanTheLimitIsAnError) {
  std::string text = "SpoolDir = ${K0}\n";
  for (int i = 0; i < 20000; ++i) {
    text += "K" + std::to_string(i) + " = ${K" + std::to_string(i + 1) + "}\n";
  }
  const Interpolated p = parse_interpolated(text);
  EXPECT_THAT(p.diags, HasSubstr("references nested deeper than 32"));
  EXPECT_EQ(p.config.get("SpoolDir"), "/bro/spool");  // its default
}

TEST(Interpolation, ReferenceChainWithinTheLimitResolves) {
  std::string text = "K20 = end\n";
  for (int i = 0; i < 20; ++i) {
    text += "K" + std::to_string(i) + " = ${K" + std::to_string(i + 1) + "}\n";
  }
  const Interpolated p = parse_interpolated(text);
  EXPECT_THAT(p.diags, Not(HasSubstr("Error")));
  EXPECT_EQ(p.config.get("K0"), "end");
}

// Regression (fuzzing): defaults nested in defaults recursed the same way.
TEST(Interpolation, NestedDefaultsDeeperThanTheLimitAreAnError) {
  std::string text = "A = ";
  for (int i = 0; i < 50000; ++i)
    text += "${Nope:";
  text += std::string(50000, '}') + "\n";
  const Interpolated p = parse_interpolated(text);
  EXPECT_THAT(p.diags, HasSubstr("option 'A': references nested deeper than 32"));
  EXPECT_EQ(p.config.get("A"), "");
}

// Regression (fuzzing): a value naming twice one that names twice ... doubled per line,
// so 40 short lines asked for a terabyte. Values stop at kMaxValueBytes.
TEST(Interpolation, ValueThatDoublesPerReferenceIsCappedInLength) {
  std::string text = "D0 = xxxxxxxx\n";
  for (int i = 1; i <= 40; ++i) {
    const std::string prev = "${D" + std::to_string(i - 1) + "}";
    text += "D" + std::to_string(i) + " = " + prev + prev + "\n";
  }
  const Interpolated p = parse_interpolated(text);
  EXPECT_EQ(p.config.get("D10").size(), 8u << 10);
  EXPECT_THAT(p.diags, HasSubstr("option 'D14': value longer than 65536 bytes"));
  EXPECT_EQ(p.config.get("D40"), "");
}

}  // namespace
}  // namespace bc::config
