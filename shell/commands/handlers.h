#pragma once
// The handlers of the commands available in this version, one file each.

#include <string>
#include <vector>

namespace bc::shell {

class ShellContext;

int cmd_config(ShellContext& ctx, const std::vector<std::string>& args);
int cmd_nodes(ShellContext& ctx, const std::vector<std::string>& args);
int cmd_help(ShellContext& ctx, const std::vector<std::string>& args);

}  // namespace bc::shell
