#pragma once
// Nodes start only from an installed snapshot (docs/INSTALL.md): the supervisor takes its
// node definitions from <SpoolDir>/installed/current, never from the files being edited in
// etc/. A host that has never had an install snapshots its own files once, at the
// supervisor's first start, so that a fresh single-host setup runs without an `install`
// and every later change still goes through one.

#include <string>

#include "common/status.h"
#include "config/cluster.h"
#include "supervisor/supervisor_options.h"

namespace bc::sup {

// <SpoolDir>/installed/current; exists once something is installed.
std::string installed_dir(const config::Cluster& local);

// Installs `local`'s own files when nothing is installed yet. The message names the file
// at fault; the caller may run on the local files meanwhile.
Status ensure_installed(const config::Cluster& local);

// The supervisor's options from the installed snapshot, taking one of `local`'s files
// first when there is none.
Result<SupervisorOptions> installed_options(const config::Cluster& local, const std::string& host);

// The configuration of the current installed snapshot, with the host's paths from
// `base_dir`. Diagnostics are part of the error message.
Result<config::Cluster> load_installed(const std::string& base_dir, const std::string& dir);

}  // namespace bc::sup
