#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "shell/command.h"

namespace bc::shell {
namespace {

// Every command of the BroCluster manual's command reference, plus those the issues add.
const char* const kManualCommands[] = {
    "analysis", "attachgdb", "capstats", "check",      "cleanup",       "config",
    "cron",     "df",        "diag",     "exec",       "exit",          "help",
    "install",  "netstats",  "nodes",    "peerstatus", "print",         "quit",
    "restart",  "scripts",   "start",    "status",     "stop",          "top",
    "update",   "deploy",    "tap",      "process",    "import-zeekctl"};

TEST(CommandTable, HasEveryCommandOfTheManual) {
  for (const char* name : kManualCommands) {
    const CommandSpec* spec = find_command(name);
    ASSERT_NE(spec, nullptr) << name;
    EXPECT_FALSE(spec->synopsis.empty()) << name;
    EXPECT_FALSE(spec->summary.empty()) << name;
    EXPECT_FALSE(spec->description.empty()) << name;
    EXPECT_TRUE(spec->synopsis.starts_with(spec->name)) << name;
  }
}

TEST(CommandTable, IsSortedAndUnique) {
  auto table = command_table();
  EXPECT_TRUE(std::is_sorted(table.begin(), table.end(),
                             [](const auto& a, const auto& b) { return a.name < b.name; }));
  for (std::size_t i = 1; i < table.size(); ++i)
    EXPECT_NE(table[i - 1].name, table[i].name);
}

TEST(CommandTable, LookupIsCaseInsensitive) {
  ASSERT_NE(find_command("STATUS"), nullptr);
  EXPECT_EQ(find_command("STATUS")->name, "status");
  EXPECT_EQ(find_command("stat"), nullptr);
}

}  // namespace
}  // namespace bc::shell
