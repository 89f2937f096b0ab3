#include "install/fs_at.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "common/os_error.h"

namespace bc::install {
namespace {

constexpr int kDirFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

std::string in(std::string_view rel, std::string_view where) {
  return quoted(rel) + " in " + quoted(where);
}

// "a/b/c" -> parent "a/b", base "c"; parent empty for a single component.
std::pair<std::string_view, std::string_view> split_parent(std::string_view rel) {
  const auto slash = rel.rfind('/');
  if (slash == std::string_view::npos) return {{}, rel};
  return {rel.substr(0, slash), rel.substr(slash + 1)};
}

// The parent directory of `rel`, or a duplicate of `dirfd` when rel has one component.
Result<OwnedFd> parent_of(int dirfd, std::string_view rel, bool create, std::string_view where) {
  const auto [parent, base] = split_parent(rel);
  if (!parent.empty()) return open_dir_at(dirfd, parent, create, where);
  OwnedFd dup(::fcntl(dirfd, F_DUPFD_CLOEXEC, 0));
  if (!dup.valid()) return io_status("cannot open " + quoted(where), errno);
  return dup;
}

Status remove_contents(int dirfd, std::string_view where) {
  // A fresh open, not a dup: a dup shares the read position of earlier listings.
  const int dup = ::openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dup < 0) return io_status("cannot read " + quoted(where), errno);
  DIR* dir = ::fdopendir(dup);
  if (dir == nullptr) {
    const int err = errno;
    ::close(dup);
    return io_status("cannot read " + quoted(where), err);
  }
  std::vector<std::string> names;
  while (const dirent* e = ::readdir(dir)) {
    const std::string_view name = e->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  ::closedir(dir);
  for (const std::string& name : names) {
    if (Status s = remove_tree_at(dirfd, name, where); !s) return s;
  }
  return Status::ok();
}

}  // namespace

Result<OwnedFd> open_dir(const std::string& path) {
  OwnedFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return file_status("cannot open directory " + quoted(path), errno);
  return fd;
}

Result<OwnedFd> open_dir_at(int dirfd, std::string_view rel, bool create, std::string_view where) {
  OwnedFd current;
  int at = dirfd;
  std::size_t start = 0;
  while (start <= rel.size()) {
    const auto slash = rel.find('/', start);
    const std::size_t end = slash == std::string_view::npos ? rel.size() : slash;
    const std::string part(rel.substr(start, end - start));
    if (create && ::mkdirat(at, part.c_str(), 0755) != 0 && errno != EEXIST) {
      return io_status("cannot create directory " + in(rel.substr(0, end), where), errno);
    }
    OwnedFd next(::openat(at, part.c_str(), kDirFlags));
    if (!next.valid()) {
      const int err = errno;
      // O_NOFOLLOW on a symlink gives ELOOP, or ENOTDIR together with O_DIRECTORY.
      if (err == ELOOP || err == ENOTDIR) {
        return Status::invalid_argument(in(rel.substr(0, end), where) +
                                        " is a symlink or not a directory");
      }
      return file_status("cannot open directory " + in(rel.substr(0, end), where), err);
    }
    current = std::move(next);
    at = current.get();
    start = end + 1;
  }
  return current;
}

Result<OwnedFd> create_file_at(int dirfd, std::string_view rel, mode_t mode,
                               std::string_view where) {
  Result<OwnedFd> parent = parent_of(dirfd, rel, true, where);
  if (!parent) return parent.status();
  const std::string base(split_parent(rel).second);
  OwnedFd fd(::openat(parent->get(), base.c_str(),
                      O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd.valid()) return io_status("cannot create " + in(rel, where), errno);
  // Exactly `mode`, not filtered by the umask: the manifest says what the file is.
  if (::fchmod(fd.get(), mode) != 0) return io_status("cannot chmod " + in(rel, where), errno);
  return fd;
}

Result<OwnedFd> open_file_at(int dirfd, std::string_view rel, int flags, std::string_view where) {
  Result<OwnedFd> parent = parent_of(dirfd, rel, false, where);
  if (!parent) return parent.status();
  const std::string base(split_parent(rel).second);
  OwnedFd fd(::openat(parent->get(), base.c_str(), flags | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ELOOP) return Status::invalid_argument(in(rel, where) + " is a symlink");
    return file_status("cannot open " + in(rel, where), errno);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return io_status("cannot stat " + in(rel, where), errno);
  if (!S_ISREG(st.st_mode)) {
    return Status::invalid_argument(in(rel, where) + " is not a regular file");
  }
  return fd;
}

Status link_at(int from_dirfd, std::string_view from_rel, int to_dirfd, std::string_view to_rel,
               std::string_view where) {
  Result<OwnedFd> from = parent_of(from_dirfd, from_rel, false, where);
  if (!from) return from.status();
  Result<OwnedFd> to = parent_of(to_dirfd, to_rel, true, where);
  if (!to) return to.status();
  const std::string from_base(split_parent(from_rel).second);
  const std::string to_base(split_parent(to_rel).second);
  // Flags 0: linkat never follows a symlink at the source.
  if (::linkat(from->get(), from_base.c_str(), to->get(), to_base.c_str(), 0) != 0) {
    return io_status("cannot link " + in(to_rel, where), errno);
  }
  return Status::ok();
}

Status pwrite_all(int fd, std::string_view data, std::uint64_t offset, std::string_view name) {
  while (!data.empty()) {
    const ssize_t n = ::pwrite(fd, data.data(), data.size(), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_status("cannot write " + quoted(name), errno);
    }
    data.remove_prefix(static_cast<std::size_t>(n));
    offset += static_cast<std::uint64_t>(n);
  }
  return Status::ok();
}

Status remove_file_at(int dirfd, std::string_view rel, std::string_view where) {
  Result<OwnedFd> parent = parent_of(dirfd, rel, false, where);
  if (!parent)
    return parent.status().code() == ErrorCode::kNotFound ? Status::ok() : parent.status();
  const std::string base(split_parent(rel).second);
  if (::unlinkat(parent->get(), base.c_str(), 0) != 0 && errno != ENOENT) {
    return io_status("cannot remove " + in(rel, where), errno);
  }
  return Status::ok();
}

Status remove_tree_at(int dirfd, const std::string& name, std::string_view where) {
  struct stat st {};
  if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return Status::ok();
    return io_status("cannot stat " + in(name, where), errno);
  }
  if (S_ISDIR(st.st_mode)) {
    OwnedFd sub(::openat(dirfd, name.c_str(), kDirFlags));
    if (!sub.valid()) return io_status("cannot open " + in(name, where), errno);
    // Read-only directories (a hostile or half-copied tree) must not block the cleanup.
    ::fchmod(sub.get(), 0700);
    const std::string sub_where = std::string(where) + "/" + name;
    if (Status s = remove_contents(sub.get(), sub_where); !s) return s;
  }
  const int flags = S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0;
  if (::unlinkat(dirfd, name.c_str(), flags) != 0 && errno != ENOENT) {
    return io_status("cannot remove " + in(name, where), errno);
  }
  return Status::ok();
}

}  // namespace bc::install
