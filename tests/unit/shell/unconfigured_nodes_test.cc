// How the shell reads and names the nodes a supervisor keeps though they are no longer
// configured (shell/unconfigured_nodes.h).

#include "shell/unconfigured_nodes.h"

#include <gtest/gtest.h>

#include "messages/codec.h"

namespace bc::shell {
namespace {

msg::Value status_entry(const std::string& name, const std::string& type, bool configured,
                        bool with_field = true) {
  msg::Value v = msg::Value::empty_map();
  v.set("name", name).set("type", type).set("state", "running").set("pid", 4711);
  v.set("started_at", 1700000000000000).set("version", "abc123");
  if (with_field) v.set("configured", configured);
  return v;
}

TEST(UnconfiguredIn, TakesOnlyTheNodesMarkedNotConfigured) {
  msg::Value nodes = msg::Value::empty_array();
  nodes.push_back(status_entry("worker-1", "worker", true));
  nodes.push_back(status_entry("proxy-2", "proxy", false));
  nodes.push_back(status_entry("worker-2", "worker", false, false));  // an older supervisor
  msg::Value result = msg::Value::empty_map();
  result.set("host", "127.0.0.2").set("nodes", std::move(nodes));
  const auto found = unconfigured_in("127.0.0.2", result);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].spec.name, "proxy-2");
  EXPECT_EQ(found[0].spec.type, config::NodeType::kProxy);
  EXPECT_EQ(found[0].spec.host, "127.0.0.2");
  EXPECT_EQ(found[0].state, "running");
  EXPECT_EQ(found[0].pid, 4711);
  EXPECT_EQ(found[0].version, "abc123");
  EXPECT_TRUE(unconfigured_in("h", msg::Value::empty_map()).empty());
}

TEST(UnconfiguredLine, SaysWhereItRunsAndHowToEndIt) {
  UnconfiguredNode u;
  u.spec.name = "worker-3";
  u.spec.host = "127.0.0.2";
  u.state = "running";
  EXPECT_EQ(unconfigured_line(u),
            "worker-3 on 127.0.0.2 is running but no longer configured; 'stop worker-3' ends it");
  const std::string json = msg::to_json(unconfigured_json({u}));
  EXPECT_NE(json.find("\"name\":\"worker-3\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"host\":\"127.0.0.2\""), std::string::npos) << json;
}

TEST(SelectedBy, NamesAndGroupsAsNodeCfgNodes) {
  config::NodeSpec w;
  w.name = "worker-3";
  w.type = config::NodeType::kWorker;
  EXPECT_TRUE(selected_by(w, {}));
  EXPECT_TRUE(selected_by(w, {"worker-3"}));
  EXPECT_TRUE(selected_by(w, {"manager", "workers"}));
  EXPECT_TRUE(selected_by(w, {"all"}));
  EXPECT_FALSE(selected_by(w, {"worker-30"}));
  EXPECT_FALSE(selected_by(w, {"proxies"}));
}

TEST(NodeSelection, AllListsTheConfiguredThenTheUnconfigured) {
  NodeSelection s;
  s.configured.push_back(config::NodeSpec{});
  s.configured.back().name = "manager";
  s.unconfigured.push_back(UnconfiguredNode{});
  s.unconfigured.back().spec.name = "worker-3";
  const auto all = s.all();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "manager");
  EXPECT_EQ(all[1].name, "worker-3");
}

}  // namespace
}  // namespace bc::shell
