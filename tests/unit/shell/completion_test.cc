#include <gtest/gtest.h>

#include <sstream>

#include "shell/shell.h"
#include "tests/support/run_process.h"

namespace bc::shell {
namespace {

class CompletionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("etc/cluster.cfg", "# defaults\n");
    dir_.write("etc/node.cfg",
               "[manager]\ntype=manager\nhost=localhost\n"
               "[proxy-1]\ntype=proxy\nhost=localhost\n"
               "[worker]\ntype=worker\nhost=localhost\ninterface=lo\nlb_procs=2\n");
  }
  test::TempDir dir_;
  std::ostringstream out_, err_;
};

TEST_F(CompletionTest, FirstWordCompletesCommands) {
  ShellContext ctx(dir_.path(), false, out_, err_);
  Shell shell(ctx);
  EXPECT_EQ(shell.completions({}, "st"), (std::vector<std::string>{"start", "status", "stop"}));
  EXPECT_EQ(shell.completions({}, "CONF"), (std::vector<std::string>{"config"}));
}

TEST_F(CompletionTest, LaterWordsCompleteNodeNamesAndGroupsOnceConfigIsLoaded) {
  ShellContext ctx(dir_.path(), false, out_, err_);
  ASSERT_NE(ctx.cluster(), nullptr) << err_.str();
  Shell shell(ctx);
  EXPECT_EQ(shell.completions({"start"}, "wor"),
            (std::vector<std::string>{"workers", "worker-1", "worker-2"}));
  EXPECT_EQ(shell.completions({"status"}, "m"), (std::vector<std::string>{"manager"}));
  EXPECT_TRUE(shell.completions({"config"}, "").empty());
}

}  // namespace
}  // namespace bc::shell
