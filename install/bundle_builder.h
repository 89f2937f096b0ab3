#pragma once
// Builds a bundle: the manifest of everything a host runs (configuration, standard and
// site scripts, generated files, binaries) plus where each file's bytes come from. Only
// hashes are computed here; the bytes are read again, lazily, when they are sent.
// Layout of the bundle paths: bundle_path.h.

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "install/manifest.h"

namespace bc::install {

struct BundleSources {
  // Its cluster.cfg, node.cfg, networks.cfg, analysis.dat and keys/{admin,supervisor,
  // monitor} (those present).
  std::string etc_dir;
  std::vector<std::string> site_dirs;  // SitePolicyPath, in order -> site/1/, site/2/, ...
  std::string policy_dir;              // PolicyDir -> policy/
  std::map<std::string, std::string> generated;  // bundle path (auto/...) -> content
  // Bundle path ("bin/bro", or "bro" meaning bin/bro) -> source file.
  std::vector<std::pair<std::string, std::string>> binaries;
};

struct Bundle {
  Manifest manifest;
  std::map<std::string, std::string> sources;    // bundle path -> absolute source path
  std::map<std::string, std::string> generated;  // bundle path -> content
};

// Walks the directories recursively. Regular files only; editor backups (*~, .#*) and
// dotfiles (and dot-directories) are skipped; other non-regular files are ignored. A
// symlink inside a walked directory, an unreadable file or directory, a bad path, a
// duplicate or a limit exceeded (bundle_path.h) is an error naming it. The named etc files
// and binaries may be symlinks (they are followed). Empty etc_dir/policy_dir are skipped.
Result<Bundle> build_bundle(const BundleSources& sources);

}  // namespace bc::install
