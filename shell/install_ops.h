#pragma once
// The shell's half of `install`: the bundle of the edited configuration (docs/INSTALL.md
// says what goes in) and its transfer to the supervisors of the chosen hosts, all hosts in
// parallel, each in its own conversation (begin, the chunks it needs, commit). A host that
// is down or fails is reported by name and the others still install.

#include <future>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/cluster.h"
#include "install/cluster_bundle.h"
#include "shell/shell_context.h"

namespace bc::shell {

// Puts the sample site scripts into the first SitePolicyPath directory when it has none
// of them yet (the first install); returns the files it added.
std::vector<std::string> place_sample_site_scripts(const config::Cluster& cluster);

// The Zeek version the nodes of profile zeek run, from `<ZeekPath> --version` on this
// machine (the first zeek node's own program= when it has one), for the files install
// writes for them (install/zeek_files.h); nullopt when no node is of profile zeek. Errors
// name the program and what it said.
Result<std::optional<config::ZeekVersion>> zeek_version_of(const config::Cluster& cluster);

// The bundle `install` sends: the edited configuration, with the Zeek files when nodes
// are of profile zeek.
Result<install::Bundle> edited_bundle(const config::Cluster& cluster);

// The edited bundle, hashed on another thread: status and start start it first and use it
// once their replies are in, so that hashing (the node program included) never adds to a
// command's wait for its hosts.
std::future<Result<install::Bundle>> edited_bundle_async(const config::Cluster& cluster);

// "configuration has changed; run install" (naming the hosts) when a host's installed
// version (host -> version, as status and ping report it) is not the edited one. Hosts
// that did not answer are left out. Returns true when it warned.
bool warn_if_not_installed(ShellContext& ctx, const std::map<std::string, std::string>& installed,
                           std::future<Result<install::Bundle>>& edited);

struct HostInstall {
  std::string host;
  Status status;         // ok, or why this host has not got the version
  std::string previous;  // the version it had, "" when none
  bool already_installed = false;
  std::uint64_t bytes_sent = 0;
};

// Sends `bundle` to every host in `hosts`; prints a line per host as it finishes (unless
// --json). Every wait has a deadline (CommTimeout per round trip).
std::vector<HostInstall> install_on_hosts(ShellContext& ctx, const install::Bundle& bundle,
                                          const std::vector<std::string>& hosts);

}  // namespace bc::shell
