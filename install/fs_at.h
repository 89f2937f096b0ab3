#pragma once
// File operations relative to a directory descriptor that never follow a symlink: every
// component of a relative path is opened with O_NOFOLLOW, so a symlink planted in a
// staging or installed tree cannot redirect a write outside it. Paths given here are
// already validated bundle paths (or single names such as "MANIFEST").
// `where` names the directory in error messages ("/spool/installed/.staging-ab12").

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "install/owned_fd.h"

namespace bc::install {

// Opens an absolute or cwd-relative directory (symlinks followed: the root is trusted).
Result<OwnedFd> open_dir(const std::string& path);

// Opens the directory `rel` (one or more components) under `dirfd`; with `create`,
// missing components are made with mode 0755 first.
Result<OwnedFd> open_dir_at(int dirfd, std::string_view rel, bool create, std::string_view where);

// Creates the regular file `rel` under `dirfd` (parents as needed) with exactly `mode`;
// fails if it exists.
Result<OwnedFd> create_file_at(int dirfd, std::string_view rel, mode_t mode,
                               std::string_view where);

// Opens the existing regular file `rel` under `dirfd` with `flags` (O_RDONLY, O_WRONLY).
Result<OwnedFd> open_file_at(int dirfd, std::string_view rel, int flags, std::string_view where);

// Hard-links `from_rel` under `from_dirfd` as `to_rel` under `to_dirfd` (parents created).
Status link_at(int from_dirfd, std::string_view from_rel, int to_dirfd, std::string_view to_rel,
               std::string_view where);

// Writes all of `data` at `offset`.
Status pwrite_all(int fd, std::string_view data, std::uint64_t offset, std::string_view name);

// Unlinks the file `rel` under `dirfd`. Absent is OK.
Status remove_file_at(int dirfd, std::string_view rel, std::string_view where);

// Removes `name` (a single component) under `dirfd`: a directory with all its contents,
// anything else by unlink. Symlinks are removed, never followed. Absent is OK.
Status remove_tree_at(int dirfd, const std::string& name, std::string_view where);

}  // namespace bc::install
