// plan_update: which ids a live `update` changes and which it refuses, with the reason.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "script_test_util.h"

namespace bc::node::script {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;
using testing_util::load_text;
using testing_util::ScriptDir;

Globals globals_of(const std::string& text) {
  ScriptDir dir;
  auto loaded = load_text(dir, text);
  EXPECT_TRUE(loaded.program.is_ok()) << ::testing::PrintToString(loaded.errors);
  return loaded.program.is_ok() ? loaded.program->globals : Globals{};
}

const char* kRunning =
    "module Scan;\n"
    "export {\n"
    "  const addr_scan_threshold: count = 25 &redef;\n"
    "  const skip_scan_ports: set[port] = {} &redef;\n"
    "  const scan_interval = 5 min &redef;\n"
    "  const fixed = 1;\n"
    "  global gone = T &redef;\n"
    "}\n";

TEST(UpdatePlan, NothingChanged) {
  const UpdatePlan plan = plan_update(globals_of(kRunning), globals_of(kRunning));
  EXPECT_THAT(plan.changed, IsEmpty());
  EXPECT_THAT(plan.refused, IsEmpty());
}

TEST(UpdatePlan, RedefValuesChangeLive) {
  const std::string fresh = std::string(kRunning) +
                            "redef addr_scan_threshold = 50;\n"
                            "redef skip_scan_ports += { 53/udp };\n"
                            "redef scan_interval = 300 secs;\n";  // same value: no change
  const UpdatePlan plan = plan_update(globals_of(kRunning), globals_of(fresh));
  EXPECT_THAT(plan.changed, ElementsAre("Scan::addr_scan_threshold", "Scan::skip_scan_ports"));
  EXPECT_THAT(plan.refused, IsEmpty());
}

TEST(UpdatePlan, RefusesWhatNeedsARestart) {
  const std::string running = std::string(kRunning) + "global GLOBAL::flip = 1 &redef;\n";
  const std::string fresh =
      "module Scan;\n"
      "export {\n"
      "  const addr_scan_threshold: int = 25 &redef;\n"  // type changed
      "  const skip_scan_ports: set[port] = { 22/tcp } &redef;\n"
      "  const scan_interval = 5 min &redef;\n"
      "  const fixed = 2;\n"  // not &redef
      "  global added = 1 &redef;\n"
      "}\n"
      "global GLOBAL::flip = 1;\n";  // lost its &redef
  const UpdatePlan plan = plan_update(globals_of(running), globals_of(fresh));
  EXPECT_THAT(plan.changed, ElementsAre("Scan::skip_scan_ports"));
  EXPECT_THAT(
      plan.refused,
      ElementsAre(
          Pair("Scan::added", "new id; declaring ids needs a restart"),
          Pair("Scan::addr_scan_threshold", "type changed from count to int; needs a restart"),
          Pair("Scan::fixed", "not &redef; changing it needs a restart"),
          Pair("Scan::gone", "removed id; removing ids needs a restart"),
          Pair("flip", "declaration changed (const/global or &redef); needs a restart")));
}

TEST(UpdatePlan, SetElementTypeChangeIsATypeChange) {
  const UpdatePlan plan = plan_update(globals_of("const s: set[port] = {} &redef;\n"),
                                      globals_of("const s: set[count] = {} &redef;\n"));
  EXPECT_THAT(plan.changed, IsEmpty());
  EXPECT_THAT(plan.refused,
              ElementsAre(Pair("s", "type changed from set[port] to set[count]; needs a restart")));
}

}  // namespace
}  // namespace bc::node::script
