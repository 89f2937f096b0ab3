#pragma once
// The directory of installed versions on a host (<SpoolDir>/installed): which version is
// current, switching it, and pruning old ones. Layout in bundle_path.h. All functions take
// a descriptor of the root directory; `root` is its path, for messages only.
// Not thread-safe: one installer per root (the supervisor's single thread).

#include <cstddef>
#include <optional>
#include <string>

#include "common/status.h"
#include "install/manifest.h"

namespace bc::install {

inline constexpr char kCurrentLink[] = "current";
inline constexpr char kStagingPrefix[] = ".staging-";
inline constexpr char kManifestFile[] = "MANIFEST";
inline constexpr char kVersionFile[] = "VERSION";
// Versions kept besides the current one.
inline constexpr std::size_t kKeepVersions = 3;

// True for a version name (64 lowercase hex digits).
bool is_version_name(std::string_view name);

// The version `current` points at, when it is a symlink to an existing version directory.
std::optional<std::string> read_current(int root_fd);

// The MANIFEST of an installed version, validated.
Result<Manifest> read_installed_manifest(int root_fd, const std::string& version,
                                         const std::string& root);

// Gives the freshly installed `version` directory an mtime later than every other
// version's, so that pruning orders versions by install time even when two installs fall
// into the same timestamp tick.
Status stamp_install_time(int root_fd, const std::string& version, const std::string& root);

// Points `current` at `version` atomically: a symlink under a temporary name renamed over
// `current`, then the directory fsynced.
Status switch_current(int root_fd, const std::string& version, const std::string& root);

// Removes every staging directory and all versions but the current one and the
// kKeepVersions most recently installed others, and makes those others 0700.
Status prune(int root_fd, const std::string& root);

}  // namespace bc::install
