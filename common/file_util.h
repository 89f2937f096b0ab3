#pragma once
// Small file helpers for the supervisor's on-disk state, crash records and node logs.
// All functions are thread-compatible and report failures as Status values whose message
// names the path involved. None of them throws.

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/dir_fd.h"
#include "common/status.h"

namespace bc {

// How hard write_file_atomic works to survive a power loss.
enum class Durability {
  kSync,    // fsync the file before the rename and the directory after it
  kNoSync,  // no fsync: still all-or-nothing for readers and if the process dies, but a
            // machine crash may lose the update (for state that is rewritten often)
};

// Replaces `path` with `content` so that a reader (or a crash at any moment) sees either
// the complete old file or the complete new one: write a temporary in the same directory,
// fsync it, rename it over `path`, fsync the directory (no fsyncs with kNoSync). The file
// gets exactly `mode`
// (not filtered by the umask), because state files must not become group-writable by
// accident. On any failure (ENOSPC included) the temporary is removed, the old file is
// left intact and the message names `path`.
Status write_file_atomic(const std::string& path, std::string_view content, mode_t mode = 0644,
                         Durability durability = Durability::kSync);

// Each function that takes a DirFd and a name does the same inside that directory, reached
// without following a symlink (dir_fd.h): `name` is one component, never followed either,
// and messages name dir.path_of(name). The supervisor uses these for everything inside a
// node's directory and its crash records.
Status write_file_atomic(const DirFd& dir, std::string_view name, std::string_view content,
                         mode_t mode = 0644, Durability durability = Durability::kSync);

// Overwrites `path` in place (no temporary, no rename, no fsync): for diagnostic
// files that are rewritten on every node start, where a reader seeing a half-written file
// costs nothing and a rename per file costs a directory update. The file gets exactly
// `mode`, and a symlink at `path` is refused (ELOOP), never followed. The message names
// `path`.
Status write_file_in_place(const std::string& path, std::string_view content, mode_t mode = 0644);
Status write_file_in_place(const DirFd& dir, std::string_view name, std::string_view content,
                           mode_t mode = 0644);

// Whether the last component of a path may be a symlink. kNo for files in directories that
// someone else (a node program) can write: there a symlink is refused, not followed.
enum class Follow { kYes, kNo };

// Reads the whole file. kNotFound when it does not exist, kTooLarge when it is longer than
// `max_bytes` (so a corrupt or hostile file cannot exhaust memory), kIo otherwise.
Result<std::string> read_file(const std::string& path, std::size_t max_bytes = 16 << 20,
                              Follow follow = Follow::kYes);
// Never follows `name`; a FIFO there is not waited for.
Result<std::string> read_file(const DirFd& dir, std::string_view name,
                              std::size_t max_bytes = 16 << 20);

// The last `max_bytes` of the file's first `upto` bytes (of the whole file by default),
// starting just after a newline when the window holds one (so the first line is not cut
// in half); the raw window otherwise. Empty when the file cannot be read: tails are
// diagnostics and never a reason to fail. `upto` lets a reader take the file as it was
// at an earlier moment while a writer keeps appending. Empty, too, for a symlink or
// anything but a regular file: a node's dir is the node's to fill.
std::string tail_file(const std::string& path, std::size_t max_bytes,
                      std::uint64_t upto = UINT64_MAX);
std::string tail_file(const DirFd& dir, std::string_view name, std::size_t max_bytes,
                      std::uint64_t upto = UINT64_MAX);

// Copies the first `bytes` bytes of `from` (fewer if it is shorter) into a new or
// truncated `to` with `mode`. Neither is followed when it is a symlink, and `from` must be
// a regular file. The message names the path that failed.
Status copy_file_prefix(const std::string& from, const std::string& to, std::uint64_t bytes,
                        mode_t mode = 0644);
Status copy_file_prefix(const DirFd& from_dir, std::string_view from, const DirFd& to_dir,
                        std::string_view to, std::uint64_t bytes, mode_t mode = 0644);

// mkdir -p with `mode` for the directories it creates, then checks that the directory is
// writable and searchable (access(W_OK|X_OK)) so that a node start fails fast with a clear
// message instead of a node writing nowhere.
Status ensure_dir(const std::string& path, mode_t mode = 0755);

}  // namespace bc
