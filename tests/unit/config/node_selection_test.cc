#include "config/node_selection.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace bc::config {
namespace {

using ::testing::ElementsAre;

NodeSpec node(std::string name, NodeType type, std::string group = {}) {
  NodeSpec n;
  n.name = std::move(name);
  n.type = type;
  n.lb_group = std::move(group);
  return n;
}

// Deliberately out of order.
const std::vector<NodeSpec> kNodes = {
    node("worker-10", NodeType::kWorker), node("worker-2", NodeType::kWorker),
    node("proxy-1", NodeType::kProxy),    node("w-1", NodeType::kWorker, "w"),
    node("manager", NodeType::kManager),  node("w-2", NodeType::kWorker, "w"),
    node("logger-1", NodeType::kLogger),  node("Worker-1", NodeType::kWorker),
};

std::vector<std::string> select(const std::vector<std::string>& args) {
  Result<std::vector<NodeSpec>> r = select_nodes(kNodes, args);
  std::vector<std::string> out;
  if (!r) return {"ERROR: " + r.status().message()};
  for (const NodeSpec& n : *r)
    out.push_back(n.name);
  return out;
}

TEST(NodeSelection, EmptyArgsMeansAllInTypeThenNaturalOrder) {
  EXPECT_THAT(select({}), ElementsAre("logger-1", "manager", "proxy-1", "w-1", "w-2", "Worker-1",
                                      "worker-2", "worker-10"));
  EXPECT_EQ(select({"all"}), select({}));
  EXPECT_EQ(select({"ALL"}), select({}));
}

TEST(NodeSelection, Groups) {
  EXPECT_THAT(select({"workers"}), ElementsAre("w-1", "w-2", "Worker-1", "worker-2", "worker-10"));
  EXPECT_THAT(select({"proxies"}), ElementsAre("proxy-1"));
  EXPECT_THAT(select({"Manager"}), ElementsAre("manager"));
  EXPECT_THAT(select({"loggers"}), ElementsAre("logger-1"));
  EXPECT_THAT(select({"proxy", "logger"}), ElementsAre("logger-1", "proxy-1"));
  EXPECT_THAT(select({"standalone"}), ElementsAre());
}

TEST(NodeSelection, NamesAreCaseInsensitiveAndOrdered) {
  EXPECT_THAT(select({"worker-10", "MANAGER", "worker-2"}),
              ElementsAre("manager", "worker-2", "worker-10"));
}

TEST(NodeSelection, LbGroupNameSelectsItsProcesses) {
  EXPECT_THAT(select({"w"}), ElementsAre("w-1", "w-2"));
}

TEST(NodeSelection, DuplicatesAreDropped) {
  EXPECT_THAT(select({"w-1", "w", "workers", "W-1"}),
              ElementsAre("w-1", "w-2", "Worker-1", "worker-2", "worker-10"));
}

TEST(NodeSelection, UnknownNameIsNotFound) {
  Result<std::vector<NodeSpec>> r = select_nodes(kNodes, {"manager", "wroker-1"});
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(r.status().message(), "unknown node 'wroker-1'");
}

TEST(NodeSelection, ANodeNamedLikeAGroupIsThatNode) {
  const std::vector<NodeSpec> nodes = {node("proxy", NodeType::kProxy),
                                       node("proxy-2", NodeType::kProxy)};
  Result<std::vector<NodeSpec>> r = select_nodes(nodes, {"proxy"});
  ASSERT_TRUE(r.is_ok());
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ(r->at(0).name, "proxy");
}

TEST(NodeOrder, TypeFirstThenNaturalNames) {
  EXPECT_TRUE(node_order_less(node("z", NodeType::kManager), node("a", NodeType::kProxy)));
  EXPECT_TRUE(
      node_order_less(node("worker-2", NodeType::kWorker), node("worker-10", NodeType::kWorker)));
  EXPECT_TRUE(node_order_less(node("w9", NodeType::kWorker), node("w010", NodeType::kWorker)));
  EXPECT_TRUE(node_order_less(node("a", NodeType::kWorker), node("a-1", NodeType::kWorker)));
  EXPECT_FALSE(node_order_less(node("b", NodeType::kWorker), node("b", NodeType::kWorker)));
  EXPECT_TRUE(node_order_less(node("w99999999999999999999998", NodeType::kWorker),
                              node("w99999999999999999999999", NodeType::kWorker)));
}

}  // namespace
}  // namespace bc::config
