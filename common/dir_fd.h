#pragma once
// Directories held open, and the files inside them reached relative to them, never through
// a symlink. A node program runs as the supervisor's user and can replace anything in its
// own directory (and the directory itself) with a symlink; a path the supervisor opens by
// name would then lead wherever the node chose. So the supervisor walks from a directory
// it is configured with (SpoolDir, TmpDir: taken as given, symlinks there are the
// operator's) one component at a time with O_NOFOLLOW, and does everything else with
// openat/renameat/unlinkat/fstatat relative to the directory fd it ends on.
// Failures are Status values naming the path; a symlink is refused with "refusing ...
// '<path>': it is a symbolic link". Thread-compatible; none of them throws.

#include <sys/stat.h>
#include <sys/types.h>

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/unique_fd.h"

namespace bc {

// An open directory (O_DIRECTORY|O_CLOEXEC) and the path it was reached by, for messages.
class DirFd {
 public:
  DirFd() = default;
  DirFd(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~DirFd();
  DirFd(DirFd&& other) noexcept;
  DirFd& operator=(DirFd&& other) noexcept;
  DirFd(const DirFd&) = delete;
  DirFd& operator=(const DirFd&) = delete;

  int get() const { return fd_; }
  bool is_open() const { return fd_ >= 0; }
  const std::string& path() const { return path_; }
  // path() + "/" + name: what a message about `name` in this directory shows.
  std::string path_of(std::string_view name) const;

 private:
  int fd_ = -1;
  std::string path_;
};

enum class CreateDirs { kNo, kYes };

// Whether `name` names an entry of a directory itself: not empty, ".", ".." or with a '/'.
bool is_single_component(std::string_view name);

// Opens `base` as given (it may itself be or pass through a symlink: it is configuration),
// then each '/'-separated component of `below` relative to the one before with
// O_DIRECTORY|O_NOFOLLOW; with kYes, missing components are created with `mode`. A
// component that is a symlink is refused (kPermissionDenied, naming the path up to it), as
// are "", "." and ".." components (kInvalidArgument). `below` may be empty: `base` itself.
Result<DirFd> open_dir_nofollow(const std::string& base, std::string_view below,
                                CreateDirs create = CreateDirs::kNo, mode_t mode = 0755);
// The same, from a directory already open.
Result<DirFd> open_dir_nofollow(const DirFd& base, std::string_view below,
                                CreateDirs create = CreateDirs::kNo, mode_t mode = 0755);

// Opens the file `name` (one component) in `dir` with `flags` | O_NOFOLLOW | O_CLOEXEC.
// A symlink is refused (symlink_refused); kNotFound when it does not exist; other failures
// are "cannot open <what> '<path>': <strerror>".
Result<UniqueFd> open_file_at(const DirFd& dir, std::string_view name, int flags, mode_t mode = 0,
                              std::string_view what = "file");

// lstat of `name` in `dir` (fstatat with AT_SYMLINK_NOFOLLOW); nullopt when it cannot be
// stat'ed (missing, mostly).
std::optional<struct stat> stat_at(const DirFd& dir, std::string_view name);

// The names in `dir` other than "." and "..", unsorted; empty when it cannot be read.
std::vector<std::string> list_dir(const DirFd& dir);

// Renames `from` in `from_dir` to `to` in `to_dir` (renameat: neither name is followed).
// EXDEV and the other errors come back as kIo naming both paths; the errno is in `err`
// when given.
Status rename_at(const DirFd& from_dir, std::string_view from, const DirFd& to_dir,
                 std::string_view to, int* err = nullptr);

// Removes `name` from `dir`: a file or symlink is unlinked (a symlink, not its target), a
// directory is emptied the same way (each level entered with O_NOFOLLOW) and removed.
// Missing is fine.
Status remove_at(const DirFd& dir, std::string_view name);

// Removes everything in `dir` except the names in `keep`; `dir` itself stays (it may be a
// mount point). The first failure is returned, after trying the rest.
Status clear_dir_at(const DirFd& dir, const std::set<std::string>& keep = {});

// "refusing <what> '<path>': it is a symbolic link ...": the one wording of a refusal, so
// that a user (and a test) finds every one of them the same way.
Status symlink_refused(std::string_view what, const std::string& path);

}  // namespace bc
