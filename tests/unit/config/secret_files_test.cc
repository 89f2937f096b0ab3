#include "config/secret_files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace bc::config {
namespace {

TEST(SecretFiles, WarnsAboutAWorldReadablePasswordOnlyAndNeverShowsIt) {
  char tmpl[] = "/tmp/bc-secret-XXXXXX";
  const std::string dir = ::mkdtemp(tmpl);
  std::ofstream(dir + "/cluster.cfg") << "# CFlowPassword = example\nLogDir = /x\n"
                                      << "CFlowPassword = hunter2\n";
  std::ofstream(dir + "/node.cfg") << "[worker-1]\nenv_vars = A=1, API_TOKEN=s3cr3t\n";
  ::chmod((dir + "/cluster.cfg").c_str(), 0644);
  ::chmod((dir + "/node.cfg").c_str(), 0644);
  auto warnings = world_readable_secrets(dir);
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_NE(warnings[0].find("cluster.cfg:3: CFlowPassword"), std::string::npos);
  EXPECT_NE(warnings[1].find("node.cfg:2: env_vars: API_TOKEN"), std::string::npos);
  for (const auto& w : warnings) {
    EXPECT_EQ(w.find("hunter2"), std::string::npos);
    EXPECT_EQ(w.find("s3cr3t"), std::string::npos);
  }
  ::chmod((dir + "/cluster.cfg").c_str(), 0600);
  ::chmod((dir + "/node.cfg").c_str(), 0640);
  EXPECT_TRUE(world_readable_secrets(dir).empty());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace bc::config
