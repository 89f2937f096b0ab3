// The node table's rules for nodes an install removes while they run (node_registry.h),
// and what the state file keeps of them across a supervisor restart.

#include "supervisor/node_registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "messages/codec.h"
#include "supervisor/state_store.h"

namespace bc::sup {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

config::NodeSpec spec(const std::string& name) {
  config::NodeSpec s;
  s.name = name;
  return s;
}

TEST(PlanInstall, KeepsARunningRemovedNodeUnconfiguredAndDropsAStoppedOne) {
  const auto plan = plan_install({{"worker-1", true}, {"worker-2", true}, {"worker-3", false}},
                                 {spec("worker-1"), spec("worker-4")});
  ASSERT_EQ(plan.size(), 4u);
  EXPECT_EQ(plan.at("worker-1"), InstallFate::kUpdated);
  EXPECT_EQ(plan.at("worker-2"), InstallFate::kUnconfigured);
  EXPECT_EQ(plan.at("worker-3"), InstallFate::kRemoved);
  EXPECT_EQ(plan.at("worker-4"), InstallFate::kAdded);
}

TEST(PlanInstall, ANodeConfiguredAgainIsUpdatedWhetherItRunsOrNot) {
  const auto plan =
      plan_install({{"worker-2", true}, {"worker-3", false}}, {spec("worker-2"), spec("worker-3")});
  EXPECT_EQ(plan.at("worker-2"), InstallFate::kUpdated);
  EXPECT_EQ(plan.at("worker-3"), InstallFate::kUpdated);
  EXPECT_EQ(install_fate_name(InstallFate::kUnconfigured), "unconfigured");
}

TEST(ShouldRetire, OnlyAnUnconfiguredNodeWithoutProcessOrPendingRecord) {
  for (std::size_t i = 0; i < kNodeStateCount; ++i) {
    const auto state = static_cast<NodeState>(i);
    EXPECT_FALSE(should_retire(true, state, false)) << state_name(state);
    EXPECT_FALSE(should_retire(false, state, true)) << state_name(state);
    EXPECT_EQ(should_retire(false, state, false), !has_process(state)) << state_name(state);
  }
}

TEST(SelectNames, AllIsConfiguredInStartOrderThenTheUnconfigured) {
  auto all = select_names({"manager", "worker-1"}, {"worker-3"}, {}, false, "h1");
  ASSERT_TRUE(all.is_ok());
  EXPECT_THAT(*all, ElementsAre("manager", "worker-1", "worker-3"));
}

TEST(SelectNames, NamesFindUnconfiguredNodesAndTheFlagAddsThemAll) {
  auto named = select_names({"manager", "worker-1"}, {"worker-3", "worker-5"},
                            {"worker-5", "worker-1"}, false, "h1");
  ASSERT_TRUE(named.is_ok());
  EXPECT_THAT(*named, ElementsAre("worker-1", "worker-5"));
  auto with =
      select_names({"manager", "worker-1"}, {"worker-3", "worker-5"}, {"manager"}, true, "h1");
  ASSERT_TRUE(with.is_ok());
  EXPECT_THAT(*with, ElementsAre("manager", "worker-3", "worker-5"));
}

TEST(SelectNames, AnUnknownNameIsNotFoundNamingItAndTheHost) {
  auto r = select_names({"manager"}, {"worker-3"}, {"worker-3", "wroker-1"}, false, "h1");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(r.status().message(),
            "unknown node 'wroker-1' on host h1 (not in its installed node.cfg: run install "
            "after adding it)");
}

TEST(UnconfiguredSpec, RebuildsNameTypeHostAndProgramFromTheStateFile) {
  PersistedNode saved;
  saved.type = "proxy";
  saved.program = "/opt/x/bin/node";
  const config::NodeSpec s = unconfigured_spec("proxy-2", "10.0.0.2", saved);
  EXPECT_EQ(s.name, "proxy-2");
  EXPECT_EQ(s.host, "10.0.0.2");
  EXPECT_EQ(s.type, config::NodeType::kProxy);
  EXPECT_EQ(s.program, "/opt/x/bin/node");
  // A state file of an earlier version has no type: the node is still watched as a worker.
  EXPECT_EQ(unconfigured_spec("x", "h", PersistedNode{}).type, config::NodeType::kWorker);
}

TEST(StateStore, KeepsWhatAnUnconfiguredNodeNeedsAcrossARestart) {
  PersistedState state;
  state.host = "h1";
  state.boot_id = "b";
  state.nodes["worker-3"] = {NodeState::kRunning,
                             DesiredState::kRunning,
                             321,
                             77,
                             5,
                             false,
                             "worker",
                             "/bin/prog",
                             "v1abc"};
  auto decoded = decode_state(encode_state(state));
  ASSERT_TRUE(decoded.is_ok()) << decoded.status().to_string();
  EXPECT_EQ(*decoded, state);
}

TEST(StateStore, AnEntryOfAnEarlierVersionIsAConfiguredNode) {
  msg::Value node = msg::Value::empty_map();
  node.set("state", "running")
      .set("desired", "running")
      .set("pid", 12)
      .set("start_ticks", 34u)
      .set("started_at", 56);
  msg::Value root = msg::Value::empty_map();
  root.set("format", 1).set("host", "h").set("boot_id", "b").set("version", 3u);
  root.set("nodes", msg::Value::empty_map().set("worker-1", std::move(node)));
  auto decoded = decode_state(msg::encode_value(root));
  ASSERT_TRUE(decoded.is_ok()) << decoded.status().to_string();
  const PersistedNode& n = decoded->nodes.at("worker-1");
  EXPECT_TRUE(n.configured);
  EXPECT_EQ(n.pid, 12);
  EXPECT_EQ(n.type, "");
  EXPECT_EQ(n.started_version, "");
}

}  // namespace
}  // namespace bc::sup
