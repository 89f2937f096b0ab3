// The Zeek files of an installed snapshot: cluster_bundle() with a Zeek version carries
// auto/cluster-layout.zeek and the telemetry script, and refuses ports that would fail.

#include "install/zeek_files.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "install/cluster_bundle.h"
#include "temp_dir.h"
#include "tests/support/run_process.h"

namespace bc::install {
namespace {

using ::testing::HasSubstr;

// A BroBase with the golden node.cfg (tests/golden/zeek_layout/) and `cluster_cfg`.
class ZeekFiles : public ::testing::Test {
 protected:
  config::Cluster load(const std::string& cluster_cfg) {
    dir_.write("etc/cluster.cfg", cluster_cfg);
    dir_.write("etc/node.cfg", bc::test::file_text(golden("node.cfg"), ""));
    config::LoadOptions options;
    options.base_dir = dir_.path();
    options.resolver = [](const std::string&) -> std::optional<std::string> { return "127.0.0.1"; };
    config::Diagnostics diags;
    config::Cluster cluster = config::load_cluster(options, diags);
    EXPECT_FALSE(diags.has_errors()) << diags.render_all();
    return cluster;
  }

  static std::string golden(const std::string& name) {
    // Built in another unit: GCC 12's -Warray-bounds misfires on the concatenation inlined
    // here under the shared precompiled header.
    return bc::test::source_path("tests/golden/zeek_layout/" + name);
  }

  testing::TempDir dir_;
};

TEST_F(ZeekFiles, BundleCarriesTheLayoutOfTheZeekVersion) {
  const config::Cluster cluster = load("");
  const Result<Bundle> bundle = cluster_bundle(cluster, config::ZeekVersion{8, 2, 0});
  ASSERT_TRUE(bundle.is_ok()) << bundle.status().message();
  ASSERT_TRUE(bundle->generated.contains("auto/cluster-layout.zeek"));
  EXPECT_EQ(bundle->generated.at("auto/cluster-layout.zeek"),
            bc::test::file_text(golden("zeek-8.2.zeek"), "<missing>"));
  EXPECT_EQ(bundle->generated.at("auto/brocluster-telemetry.zeek"),
            "# Automatically generated. Do not edit.\n"
            "@if ( |Telemetry::metrics_address| == 0 )\n"
            "redef Telemetry::metrics_address = \"127.0.0.1\";\n"
            "@endif\n");
  bool in_manifest = false;
  for (const FileEntry& f : bundle->manifest.files)
    in_manifest |= f.path == "auto/cluster-layout.zeek";
  EXPECT_TRUE(in_manifest);
}

TEST_F(ZeekFiles, WithoutAZeekVersionTheBundleIsUnchanged) {
  const config::Cluster cluster = load("");
  const Result<Bundle> bundle = cluster_bundle(cluster);
  ASSERT_TRUE(bundle.is_ok()) << bundle.status().message();
  EXPECT_FALSE(bundle->generated.contains("auto/cluster-layout.zeek"));
  EXPECT_FALSE(bundle->generated.contains("auto/brocluster-telemetry.zeek"));
}

TEST_F(ZeekFiles, OptionsOfClusterCfgShapeTheFiles) {
  const config::Cluster cluster =
      load("ZeekPort = 21000\nMetricsPort = 0\nClusterBackend = Broker\n");
  const auto files = zeek_auto_files(cluster, config::ZeekVersion{8, 1, 0}, config::PortRange{});
  ASSERT_TRUE(files.is_ok()) << files.status().message();
  EXPECT_THAT(files->at("auto/cluster-layout.zeek"),
              HasSubstr("[\"control\"] = [$node_type=Cluster::CONTROL, $ip=127.0.0.1, "
                        "$p=21000/tcp]"));
  EXPECT_FALSE(files->contains("auto/brocluster-telemetry.zeek")) << "MetricsPort = 0";
}

TEST_F(ZeekFiles, PortProblemsRefuseTheFilesNamingEveryNode) {
  const config::Cluster cluster = load("ZeekPort = 47760\n");
  const auto files = zeek_auto_files(cluster, config::ZeekVersion{6, 0, 0}, config::PortRange{});
  ASSERT_FALSE(files.is_ok());
  EXPECT_THAT(files.status().message(),
              HasSubstr("ports of the Zeek layout for Zeek 6.0.0:\n  cluster port 47761 of "
                        "logger-1 on localhost lies in the ephemeral port range 32768-60999"));
  EXPECT_THAT(files.status().message(), HasSubstr("cluster port 47765 of worker-1-2 on localhost"));
  EXPECT_FALSE(cluster_bundle(cluster, config::ZeekVersion{6, 0, 0}).is_ok());
}

TEST_F(ZeekFiles, AStandaloneNodeGetsTheStandaloneLayout) {
  config::Cluster cluster = load("");
  cluster.nodes.resize(1);
  cluster.nodes[0].name = "zeek";
  cluster.nodes[0].type = config::NodeType::kStandalone;
  const auto files = zeek_auto_files(cluster, config::ZeekVersion{7, 2, 0}, config::PortRange{});
  ASSERT_TRUE(files.is_ok()) << files.status().message();
  EXPECT_TRUE(files->contains("auto/standalone-layout.zeek"));
  EXPECT_FALSE(files->contains("auto/cluster-layout.zeek"));
}

}  // namespace
}  // namespace bc::install
