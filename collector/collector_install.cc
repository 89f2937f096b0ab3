// The collector follows `install`: the configuration of the installed snapshot
// (SpoolDir/installed/current, written by this host's supervisor) replaces the one in use
// when its version changes. Told by the shell after an install (`reload`), and noticed by
// itself every kInstallCheck (one readlink), so a lost notice costs a second, not the
// repairs (docs/DECISIONS.md).

#include <spdlog/spdlog.h>

#include <filesystem>

#include "collector/collector.h"
#include "config/endpoints.h"
#include "install/cluster_bundle.h"
#include "install/installed_root.h"

namespace bc::collector {
namespace {

// The version `current` points at ("" when nothing is installed).
std::string current_version(const std::string& root) {
  std::error_code ec;
  const auto target = std::filesystem::read_symlink(root + "/" + install::kCurrentLink, ec);
  return ec ? std::string() : target.filename().string();
}

}  // namespace

void Collector::check_installed() {
  timers_.schedule(clock_.now() + kInstallCheck, [this] { check_installed(); });
  (void)reload_installed("a new installed version");
}

Result<std::string> Collector::reload_installed(const std::string& why) {
  const std::string root = install::installed_root(cluster_);
  const std::string version = current_version(root);
  if (version.empty() || version == installed_version_) return installed_version_;
  if (version == failed_version_) {
    return Status(ErrorCode::kParse,
                  "installed version " + version.substr(0, 12) +
                      " does not load; still running version " +
                      (installed_version_.empty() ? std::string("of the edited files")
                                                  : installed_version_.substr(0, 12)));
  }
  config::Diagnostics diags;
  config::LoadOptions load;
  load.base_dir = cluster_.options.get("BroBase");
  load.install_dir = root + "/" + version;
  config::Cluster fresh = config::load_cluster(load, diags);
  if (diags.has_errors()) {
    failed_version_ = version;
    const std::string message = "installed configuration " + load.install_dir +
                                " does not load; keeping the one in use:\n" + diags.render_all();
    spdlog::error("{}", message);
    return Status(ErrorCode::kParse, message);
  }
  apply_configuration(std::move(fresh), version);
  spdlog::info("configuration of installed version {} taken ({}): {} nodes on {} hosts",
               version.substr(0, 12), why, view_.nodes().size(), view_.hosts().size());
  return installed_version_;
}

void Collector::apply_configuration(config::Cluster cluster, const std::string& version) {
  cluster_ = std::move(cluster);
  installed_version_ = version;
  failed_version_.clear();
  // The deadlines of our requests follow the new configuration; endpoints and intervals of
  // the collector itself stay until it restarts.
  const CollectorOptions fresh = collector_options(cluster_);
  options_.start_timeout = fresh.start_timeout;
  options_.comm_timeout = fresh.comm_timeout;
  const ClusterView::Changes changes = view_.apply(cluster_);
  for (const std::string& name : changes.removed) {
    auto it = care_.find(name);
    if (it == care_.end()) continue;
    if (it->second.timer != 0) timers_.cancel(it->second.timer);
    care_.erase(it);
    spdlog::info("node {} is no longer configured: not restarted any more", name);
  }
  for (const std::string& name : changes.added)
    spdlog::info("node {} added by install: cared for", name);
  const auto now = clock_.now();
  for (const std::string& host : changes.new_hosts) {
    // Endpoints of hosts already known stay as they are (a daemon does not move its sockets).
    const std::string endpoint = config::supervisor_endpoint(cluster_, host);
    options_.supervisors.emplace(host, endpoint);
    requests_.add_peer(host, endpoint, host, "supervisor of " + host);
    if (HostView* h = view_.host(host)) h->last_heartbeat = now;  // grace from now
  }
  for (auto it = options_.supervisors.begin(); it != options_.supervisors.end();) {
    it = view_.host(it->first) == nullptr ? options_.supervisors.erase(it) : std::next(it);
  }
  std::vector<std::string> hosts;
  for (const auto& [name, host] : view_.hosts())
    hosts.push_back(name);
  liveness_.set_hosts(hosts);  // a new host gets its grace from now
  for (auto& [name, node] : view_.nodes()) {
    NodeCare& c = care_of(node);
    c.care.set_settings(config::restart_settings(cluster_, node.spec));
    care_event(node, CareEvent::kConfigChange, "configuration changed");
  }
  // What the new nodes are, and whether any is crashed: ask (the Clone pattern again).
  for (const auto& [host, endpoint] : options_.supervisors)
    reconcile(host, "install");
}

}  // namespace bc::collector
