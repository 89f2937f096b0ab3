#include "install/cluster_bundle.h"

#include <filesystem>

#include "common/os_error.h"
#include "common/strings.h"
#include "config/node_scripts.h"
#include "install/zeek_files.h"

namespace bc::install {

namespace fs = std::filesystem;

Result<Bundle> cluster_bundle(const config::Cluster& cluster,
                              const std::optional<config::ZeekVersion>& zeek) {
  BundleSources src;
  src.etc_dir = cluster.options.get("CfgDir");
  // A directory that does not exist holds no scripts: left out, it keeps the search order
  // of the others (a script it should have held is check's finding, not install's).
  std::error_code ec;
  for (const std::string& dir : split_trimmed(cluster.options.get("SitePolicyPath"), ":")) {
    if (fs::is_directory(dir, ec)) src.site_dirs.push_back(dir);
  }
  if (fs::is_directory(cluster.options.get("PolicyDir"), ec)) {
    src.policy_dir = cluster.options.get("PolicyDir");
  }
  for (const config::NodeSpec& node : cluster.nodes) {
    src.generated["auto/scripts-" + node.name + ".txt"] =
        join(config::node_scripts(cluster.options, node), "\n") + "\n";
  }
  if (zeek) {
    auto files = zeek_auto_files(cluster, *zeek, config::local_ephemeral_range());
    if (!files.is_ok()) return files.status();
    src.generated.merge(*files);
  }
  if (!cluster.options.get_bool("HaveNFS")) {
    // Without a shared file system every host needs the binaries too; with NFS they are
    // already where BinDir says.
    const std::string program = cluster.options.get("NodeProgram");
    if (fs::is_regular_file(program, ec)) {
      src.binaries.emplace_back("bin/" + fs::path(program).filename().string(), program);
    }
    for (const std::string& extra : split_trimmed(cluster.options.get("CustomInstallBin"), " ")) {
      if (!fs::is_regular_file(extra, ec)) {
        return Status::not_found("CustomInstallBin: no such file " + bc::quoted(extra));
      }
      src.binaries.emplace_back("bin/" + fs::path(extra).filename().string(), extra);
    }
  }
  return build_bundle(src);
}

std::string installed_root(const config::Cluster& cluster) {
  return cluster.options.get("SpoolDir") + "/installed";
}

}  // namespace bc::install
