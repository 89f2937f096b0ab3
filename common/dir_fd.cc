#include "common/dir_fd.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "common/file_util.h"
#include "common/os_error.h"

namespace bc {
namespace {

// Deeper than any tree a node has a reason to make; a deeper one is left, not followed
// down until the supervisor runs out of fds.
constexpr int kMaxRemoveDepth = 64;

bool is_symlink_at(int dir, const std::string& name) {
  struct stat st {};
  return ::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
}

// One step of a walk: `name` in `dir`, a directory, never through a symlink.
Result<int> open_subdir(int dir, const std::string& name, const std::string& shown,
                        CreateDirs create, mode_t mode) {
  if (!is_single_component(name)) {
    return Status::invalid_argument("bad directory name " + quoted(name) + " in " + quoted(shown));
  }
  constexpr int kFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
  int fd = ::openat(dir, name.c_str(), kFlags);
  if (fd < 0 && errno == ENOENT && create == CreateDirs::kYes) {
    if (::mkdirat(dir, name.c_str(), mode) != 0 && errno != EEXIST) {
      return io_status("cannot create directory " + quoted(shown), errno);
    }
    fd = ::openat(dir, name.c_str(), kFlags);
  }
  if (fd >= 0) return fd;
  const int err = errno;
  // O_DIRECTORY|O_NOFOLLOW on a symlink fails with ENOTDIR, not ELOOP.
  if ((err == ELOOP || err == ENOTDIR) && is_symlink_at(dir, name)) {
    return symlink_refused("directory", shown);
  }
  return file_status("cannot open directory " + quoted(shown), err);
}

Result<DirFd> walk(int start, const std::string& start_path, std::string_view below,
                   CreateDirs create, mode_t mode) {
  std::string path = start_path;
  UniqueFd current(::fcntl(start, F_DUPFD_CLOEXEC, 0));
  if (current.get() < 0) return io_status("cannot open directory " + quoted(path), errno);
  while (!below.empty()) {
    const auto slash = below.find('/');
    const std::string name(below.substr(0, slash));
    below = slash == std::string_view::npos ? std::string_view() : below.substr(slash + 1);
    path += "/" + name;
    auto next = open_subdir(current.get(), name, path, create, mode);
    if (!next.is_ok()) return next.status();
    current = UniqueFd(*next);
  }
  return DirFd(current.release(), std::move(path));
}

Status remove_tree_at(const DirFd& dir, const std::string& name, int depth);

Status clear_at(const DirFd& dir, const std::set<std::string>& keep, int depth) {
  Status first = Status::ok();
  for (const std::string& name : list_dir(dir)) {
    if (keep.count(name) != 0) continue;
    if (Status s = remove_tree_at(dir, name, depth); !s.is_ok() && first.is_ok()) first = s;
  }
  return first;
}

Status remove_tree_at(const DirFd& dir, const std::string& name, int depth) {
  const auto st = stat_at(dir, name);
  if (!st) return Status::ok();
  if (S_ISDIR(st->st_mode)) {
    if (depth >= kMaxRemoveDepth) {
      return Status::io_error("cannot remove " + quoted(dir.path_of(name)) +
                              ": nested deeper than " + std::to_string(kMaxRemoveDepth) +
                              " directories");
    }
    auto sub = open_dir_nofollow(dir, name);
    if (!sub.is_ok()) return sub.status();
    if (Status s = clear_at(*sub, {}, depth + 1); !s.is_ok()) return s;
    if (::unlinkat(dir.get(), name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT) {
      return io_status("cannot remove " + quoted(dir.path_of(name)), errno);
    }
    return Status::ok();
  }
  if (::unlinkat(dir.get(), name.c_str(), 0) != 0 && errno != ENOENT) {
    return io_status("cannot remove " + quoted(dir.path_of(name)), errno);
  }
  return Status::ok();
}

}  // namespace

DirFd::~DirFd() {
  if (fd_ >= 0) ::close(fd_);
}

DirFd::DirFd(DirFd&& other) noexcept : fd_(other.fd_), path_(std::move(other.path_)) {
  other.fd_ = -1;
}

DirFd& DirFd::operator=(DirFd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    path_ = std::move(other.path_);
    other.fd_ = -1;
  }
  return *this;
}

bool is_single_component(std::string_view name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string_view::npos;
}

std::string DirFd::path_of(std::string_view name) const {
  std::string p = path_;
  p += '/';
  p += name;
  return p;
}

Result<DirFd> open_dir_nofollow(const std::string& base, std::string_view below, CreateDirs create,
                                mode_t mode) {
  if (base.empty()) return Status::invalid_argument("empty directory path");
  // The base is configuration (SpoolDir, TmpDir): created and followed as given.
  if (create == CreateDirs::kYes) {
    if (Status s = ensure_dir(base, mode); !s.is_ok()) return s;
  }
  UniqueFd fd(::open(base.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return file_status("cannot open directory " + quoted(base), errno);
  return walk(fd.get(), base, below, create, mode);
}

Result<DirFd> open_dir_nofollow(const DirFd& base, std::string_view below, CreateDirs create,
                                mode_t mode) {
  if (!base.is_open()) return Status::invalid_argument("directory not open");
  return walk(base.get(), base.path(), below, create, mode);
}

Result<UniqueFd> open_file_at(const DirFd& dir, std::string_view name, int flags, mode_t mode,
                              std::string_view what) {
  const std::string shown = dir.path_of(name);
  if (!is_single_component(name)) {
    return Status::invalid_argument("bad file name " + quoted(std::string(name)) + " in " +
                                    quoted(dir.path()));
  }
  const std::string n(name);
  const int fd = ::openat(dir.get(), n.c_str(), flags | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd >= 0) return UniqueFd(fd);
  const int err = errno;
  if ((err == ELOOP || err == ENOTDIR) && is_symlink_at(dir.get(), n)) {
    return symlink_refused(what, shown);
  }
  return file_status("cannot open " + std::string(what) + " " + quoted(shown), err);
}

std::optional<struct stat> stat_at(const DirFd& dir, std::string_view name) {
  struct stat st {};
  if (::fstatat(dir.get(), std::string(name).c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return std::nullopt;
  }
  return st;
}

std::vector<std::string> list_dir(const DirFd& dir) {
  std::vector<std::string> out;
  // fdopendir takes the fd over (and its offset): give it a fresh one of its own.
  const int fd = ::openat(dir.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return out;
  DIR* d = ::fdopendir(fd);
  if (d == nullptr) {
    ::close(fd);
    return out;
  }
  while (const dirent* e = ::readdir(d)) {
    const std::string_view name = e->d_name;
    if (name != "." && name != "..") out.emplace_back(name);
  }
  ::closedir(d);
  return out;
}

Status rename_at(const DirFd& from_dir, std::string_view from, const DirFd& to_dir,
                 std::string_view to, int* err) {
  if (::renameat(from_dir.get(), std::string(from).c_str(), to_dir.get(),
                 std::string(to).c_str()) == 0) {
    return Status::ok();
  }
  const int e = errno;
  if (err != nullptr) *err = e;
  return io_status(
      "cannot move " + quoted(from_dir.path_of(from)) + " to " + quoted(to_dir.path_of(to)), e);
}

Status remove_at(const DirFd& dir, std::string_view name) {
  if (!is_single_component(name)) {
    return Status::invalid_argument("bad file name " + quoted(std::string(name)) + " in " +
                                    quoted(dir.path()));
  }
  return remove_tree_at(dir, std::string(name), 0);
}

Status clear_dir_at(const DirFd& dir, const std::set<std::string>& keep) {
  return clear_at(dir, keep, 0);
}

Status symlink_refused(std::string_view what, const std::string& path) {
  return Status(ErrorCode::kPermissionDenied,
                "refusing " + std::string(what) + " " + quoted(path) +
                    ": it is a symbolic link (links are never followed here; remove it)");
}

}  // namespace bc
