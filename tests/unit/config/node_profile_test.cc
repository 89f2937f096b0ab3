// NodeProfile (cluster.cfg) and profile= (node.cfg): which profile a node gets, and the
// errors a misspelt one gives, naming the file and line.

#include "config/node_profile.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/cluster_config.h"
#include "config/node_config.h"
#include "test_util.h"

namespace bc::config {
namespace {

using ::testing::HasSubstr;

ClusterConfig parse_profile_options(std::string_view text, Diagnostics& d) {
  return parse_cluster_config(text, "cluster.cfg", {{"BroBase", "/bro"}}, d);
}

std::vector<NodeSpec> parse_profile_nodes(std::string_view text, Diagnostics& d) {
  return parse_node_config(text, "node.cfg", "", testing_util::fake_resolver(), d);
}

constexpr std::string_view kProfileNodes =
    "[manager]\ntype=manager\nhost=host1\n"
    "[proxy]\ntype=proxy\nhost=host1\nprofile=brocluster\n"
    "[worker]\ntype=worker\nhost=host1\nProfile = Zeek\n";

TEST(NodeProfile, DefaultIsBroclusterAndTheZeekOptionsHaveDefaults) {
  Diagnostics d;
  const ClusterConfig options = parse_profile_options("", d);
  EXPECT_EQ(d.render_all(), "");
  EXPECT_EQ(options.get("NodeProfile"), "brocluster");
  EXPECT_EQ(options.get("ZeekPath"), "zeek");
  EXPECT_EQ(options.get("SitePolicyScripts"), "local.zeek");
  EXPECT_EQ(options.get("ClusterBackend"), "ZeroMQ");
  const auto nodes = parse_profile_nodes(kProfileNodes, d);
  ASSERT_EQ(nodes.size(), 3u);
  EXPECT_EQ(effective_profile(options, nodes[0]), NodeProfile::kBrocluster);
  EXPECT_EQ(effective_profile(options, nodes[2]), NodeProfile::kZeek);
}

TEST(NodeProfile, ClusterOptionIsTheDefaultAndNodeKeyWins) {
  Diagnostics d;
  const ClusterConfig options = parse_profile_options("NodeProfile = zeek\n", d);
  const auto nodes = parse_profile_nodes(kProfileNodes, d);
  EXPECT_EQ(d.render_all(), "");
  ASSERT_EQ(nodes.size(), 3u);
  EXPECT_EQ(effective_profile(options, nodes[0]), NodeProfile::kZeek);
  EXPECT_EQ(effective_profile(options, nodes[1]), NodeProfile::kBrocluster);
  EXPECT_EQ(effective_profile(options, nodes[2]), NodeProfile::kZeek);
}

TEST(NodeProfile, UnknownClusterValueIsAnErrorWithFileLineAndHint) {
  Diagnostics d;
  (void)parse_profile_options("MailTo = a@b\nNodeProfile = zeeek\n", d);
  EXPECT_TRUE(d.has_errors());
  EXPECT_THAT(d.render_all(),
              HasSubstr("cluster.cfg:2: option 'NodeProfile': invalid value 'zeeek' (expected "
                        "brocluster or zeek; did you mean 'zeek'?)"));
}

TEST(NodeProfile, UnknownNodeValueIsAnErrorNamingFileLineAndNode) {
  Diagnostics d;
  const auto nodes = parse_profile_nodes("[w]\ntype=worker\nhost=host1\nprofile=bro\n", d);
  EXPECT_TRUE(d.has_errors());
  EXPECT_THAT(d.render_all(), HasSubstr("node.cfg:4"));
  EXPECT_THAT(d.render_all(), HasSubstr("'w'"));
  EXPECT_THAT(d.render_all(),
              HasSubstr("profile: invalid value 'bro' (expected brocluster or zeek)"));
  EXPECT_TRUE(nodes.empty());
}

TEST(NodeProfile, MisspeltKeyGetsAHint) {
  Diagnostics d;
  (void)parse_profile_nodes("[w]\ntype=worker\nhost=host1\nprofle=zeek\n", d);
  EXPECT_THAT(d.render_all(), HasSubstr("unknown key 'profle' (did you mean 'profile'?)"));
}

TEST(NodeProfile, UnknownClusterBackendIsAnError) {
  Diagnostics d;
  (void)parse_profile_options("ClusterBackend = nats\n", d);
  EXPECT_THAT(d.render_all(), HasSubstr("cluster.cfg:1: option 'ClusterBackend': invalid value "
                                        "'nats' (expected ZeroMQ or Broker)"));
}

}  // namespace
}  // namespace bc::config
