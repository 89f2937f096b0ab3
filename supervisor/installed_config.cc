#include "supervisor/installed_config.h"

#include <filesystem>

#include "install/cluster_bundle.h"
#include "install/install_local.h"

namespace bc::sup {

std::string installed_dir(const config::Cluster& local) {
  return install::installed_root(local) + "/current";
}

Status ensure_installed(const config::Cluster& local) {
  std::error_code ec;
  if (std::filesystem::exists(installed_dir(local), ec)) return Status::ok();
  auto bundle = install::cluster_bundle(local);
  if (!bundle.is_ok()) return bundle.status();
  return install::install_local(*bundle, install::installed_root(local));
}

Result<config::Cluster> load_installed(const std::string& base_dir, const std::string& dir) {
  config::Diagnostics diags;
  config::LoadOptions options;
  options.base_dir = base_dir;
  options.install_dir = dir;
  config::Cluster cluster = config::load_cluster(options, diags);
  if (diags.has_errors()) {
    return Status(ErrorCode::kParse,
                  "installed configuration " + dir + " does not load: " + diags.render_all());
  }
  return cluster;
}

Result<SupervisorOptions> installed_options(const config::Cluster& local, const std::string& host) {
  if (Status s = ensure_installed(local); !s.is_ok()) {
    return Status(s.code(), "cannot snapshot the local configuration: " + s.message());
  }
  auto installed = load_installed(local.options.get("BroBase"), installed_dir(local));
  if (!installed.is_ok()) return installed.status();
  return supervisor_options(*installed, host);
}

}  // namespace bc::sup
