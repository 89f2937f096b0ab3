#include "shell/node_program.h"

#include <filesystem>

#include "common/paths.h"
#include "shell/local_daemons.h"

namespace bc::shell {

namespace fs = std::filesystem;

std::string find_node_program(const config::Cluster& cluster) {
  std::error_code ec;
  const std::string configured = cluster.options.get("NodeProgram");
  if (fs::path(configured).filename() == "brocluster-node" && fs::exists(configured, ec)) {
    return configured;
  }
  const fs::path built = fs::path(self_directory()) / ".." / "node" / "process" / "brocluster-node";
  if (fs::exists(built, ec)) return fs::weakly_canonical(built, ec).string();
  return find_executable("brocluster-node", cluster.options.get("BinDir"));
}

std::string installed_snapshot(const config::Cluster& cluster) {
  const std::string current = cluster.options.get("SpoolDir") + "/installed/current";
  std::error_code ec;
  return fs::is_directory(current, ec) ? current : std::string();
}

}  // namespace bc::shell
