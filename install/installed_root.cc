#include "install/installed_root.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <vector>

#include "common/os_error.h"
#include "install/bundle_path.h"
#include "install/fs_at.h"
#include "install/sha256.h"

namespace bc::install {
namespace {

struct Entry {
  std::string name;
  struct timespec mtime {};
};

bool later(const struct timespec& a, const struct timespec& b) {
  return a.tv_sec != b.tv_sec ? a.tv_sec > b.tv_sec : a.tv_nsec > b.tv_nsec;
}

// Names in the root: version directories and staging leftovers.
Result<std::vector<Entry>> list_root(int root_fd, const std::string& root) {
  // A fresh open, not a dup: a dup shares the read position of earlier listings.
  const int dup = ::openat(root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dup < 0) return io_status("cannot read " + quoted(root), errno);
  DIR* dir = ::fdopendir(dup);
  if (dir == nullptr) {
    const int err = errno;
    ::close(dup);
    return io_status("cannot read " + quoted(root), err);
  }
  std::vector<Entry> out;
  while (const dirent* e = ::readdir(dir)) {
    Entry entry{e->d_name, {}};
    struct stat st {};
    if (::fstatat(root_fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) entry.mtime = st.st_mtim;
    if (is_version_name(entry.name) && S_ISDIR(st.st_mode)) out.push_back(entry);
    if (entry.name.rfind(kStagingPrefix, 0) == 0) out.push_back(entry);
  }
  ::closedir(dir);
  return out;
}

Status fsync_fd(int fd, const std::string& root) {
  if (::fsync(fd) != 0) return io_status("cannot fsync " + quoted(root), errno);
  return Status::ok();
}

}  // namespace

bool is_version_name(std::string_view name) {
  return is_sha256_hex(name);
}

std::optional<std::string> read_current(int root_fd) {
  char buf[256];
  const ssize_t n = ::readlinkat(root_fd, kCurrentLink, buf, sizeof(buf));
  if (n <= 0 || static_cast<std::size_t>(n) >= sizeof(buf)) return std::nullopt;
  std::string target(buf, static_cast<std::size_t>(n));
  if (!is_version_name(target)) return std::nullopt;
  struct stat st {};
  if (::fstatat(root_fd, target.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode))
    return std::nullopt;
  return target;
}

Result<Manifest> read_installed_manifest(int root_fd, const std::string& version,
                                         const std::string& root) {
  const std::string where = root + "/" + version;
  Result<OwnedFd> fd = open_file_at(root_fd, version + "/" + kManifestFile, O_RDONLY, root);
  if (!fd) return fd.status();
  std::string text;
  char buf[1 << 16];
  // A bound on what a valid MANIFEST can hold, so a corrupt one cannot exhaust memory.
  constexpr std::size_t kMaxText = kMaxFiles * (kMaxPathBytes + 100);
  for (;;) {
    const ssize_t n = ::read(fd->get(), buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_status("cannot read " + quoted(where + "/" + kManifestFile), errno);
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    if (text.size() > kMaxText) return Status(ErrorCode::kTooLarge, "MANIFEST too large");
  }
  Result<Manifest> m = parse_manifest_text(text);
  if (!m)
    return Status(m.status().code(),
                  quoted(where + "/" + kManifestFile) + ": " + m.status().message());
  return m;
}

Status stamp_install_time(int root_fd, const std::string& version, const std::string& root) {
  Result<std::vector<Entry>> entries = list_root(root_fd, root);
  if (!entries) return entries.status();
  struct timespec stamp {};
  ::clock_gettime(CLOCK_REALTIME, &stamp);
  for (const Entry& e : *entries) {
    if (e.name == version || !is_version_name(e.name) || later(stamp, e.mtime)) continue;
    stamp = e.mtime;
    stamp.tv_nsec += 1000;  // a microsecond, visible on every filesystem with µs stamps
    if (stamp.tv_nsec >= 1000000000) {
      stamp.tv_sec += 1;
      stamp.tv_nsec -= 1000000000;
    }
  }
  const struct timespec times[2] = {stamp, stamp};
  if (::utimensat(root_fd, version.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) {
    return io_status("cannot set the time of " + quoted(root + "/" + version), errno);
  }
  return Status::ok();
}

Status switch_current(int root_fd, const std::string& version, const std::string& root) {
  const std::string tmp = std::string(".") + kCurrentLink + ".tmp";
  ::unlinkat(root_fd, tmp.c_str(), 0);  // a leftover of an interrupted switch
  if (::symlinkat(version.c_str(), root_fd, tmp.c_str()) != 0) {
    return io_status("cannot create symlink " + quoted(root + "/" + tmp), errno);
  }
  if (::renameat(root_fd, tmp.c_str(), root_fd, kCurrentLink) != 0) {
    const int err = errno;
    ::unlinkat(root_fd, tmp.c_str(), 0);
    return io_status("cannot switch " + quoted(root + "/" + kCurrentLink), err);
  }
  return fsync_fd(root_fd, root);
}

Status prune(int root_fd, const std::string& root) {
  Result<std::vector<Entry>> entries = list_root(root_fd, root);
  if (!entries) return entries.status();
  const std::optional<std::string> current = read_current(root_fd);
  std::vector<Entry> versions;
  for (Entry& e : *entries) {
    if (e.name.rfind(kStagingPrefix, 0) == 0) {
      if (Status s = remove_tree_at(root_fd, e.name, root); !s) return s;
    } else if (e.name != current) {
      versions.push_back(std::move(e));
    }
  }
  std::sort(versions.begin(), versions.end(),
            [](const Entry& a, const Entry& b) { return later(a.mtime, b.mtime); });
  for (std::size_t i = kKeepVersions; i < versions.size(); ++i) {
    if (Status s = remove_tree_at(root_fd, versions[i].name, root); !s) return s;
  }
  // A kept older version may hold a secret the operator has since made private (or files
  // installed with the wider modes of older releases): only the owner may enter it.
  for (std::size_t i = 0; i < std::min(kKeepVersions, versions.size()); ++i) {
    if (::fchmodat(root_fd, versions[i].name.c_str(), 0700, 0) != 0) {
      return io_status("cannot chmod " + quoted(root + "/" + versions[i].name), errno);
    }
  }
  return Status::ok();
}

}  // namespace bc::install
