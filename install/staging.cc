#include "install/staging.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "common/file_util.h"
#include "common/os_error.h"
#include "install/bundle_path.h"
#include "install/fs_at.h"
#include "install/installed_root.h"
#include "install/sha256.h"

namespace bc::install {
namespace {

Status write_new_file(int dirfd, const char* name, std::string_view content,
                      std::string_view where) {
  Result<OwnedFd> fd = create_file_at(dirfd, name, 0644, where);
  if (!fd) return fd.status();
  return pwrite_all(fd->get(), content, 0, name);
}

}  // namespace

Staging::Staging(std::string root, OwnedFd root_fd, Manifest manifest)
    : root_(std::move(root)),
      root_fd_(std::move(root_fd)),
      manifest_(std::move(manifest)),
      name_(kStagingPrefix + manifest_.version),
      where_(root_ + "/" + name_) {
  for (const FileEntry& f : manifest_.files)
    pending_[f.path] = {f.size, f.mode, 0, false};
}

Staging::~Staging() {
  if (committed_ || !root_fd_.valid()) return;
  dir_.reset();
  (void)remove_tree_at(root_fd_.get(), name_, root_);
}

Result<std::unique_ptr<Staging>> Staging::create(const std::string& root, Manifest manifest) {
  if (Status s = ensure_dir(root); !s) return s;
  Result<OwnedFd> root_fd = open_dir(root);
  if (!root_fd) return root_fd.status();
  std::unique_ptr<Staging> st(new Staging(root, std::move(root_fd).value(), std::move(manifest)));
  if (Status s = remove_tree_at(st->root_fd_.get(), st->name_, root); !s) return s;
  Result<OwnedFd> dir = open_dir_at(st->root_fd_.get(), st->name_, true, root);
  if (!dir) return dir.status();
  st->dir_ = std::move(dir).value();
  return st;
}

Result<std::vector<std::string>> Staging::prepare() {
  if (const std::optional<std::string> current = read_current(root_fd_.get())) {
    // A damaged current version only costs a full transfer, never the install.
    (void)link_from_current(*current);
  }
  std::vector<std::string> need;
  for (auto& [path, p] : pending_) {
    if (p.created) continue;
    if (p.size == 0) {
      Result<OwnedFd> fd = create_file_at(dir_.get(), path, p.mode, where_);
      if (!fd) return fd.status();
      p.created = true;
      continue;
    }
    need.push_back(path);
  }
  return need;
}

Status Staging::link_from_current(const std::string& current) {
  Result<Manifest> old = read_installed_manifest(root_fd_.get(), current, root_);
  if (!old) return old.status();
  Result<OwnedFd> cur = open_dir_at(root_fd_.get(), current, false, root_);
  if (!cur) return cur.status();
  std::map<std::pair<std::string, std::uint32_t>, const FileEntry*> by_digest;
  for (const FileEntry& f : old->files)
    by_digest[{f.sha256, f.mode}] = &f;
  for (const FileEntry& f : manifest_.files) {
    Pending& p = pending_[f.path];
    const auto it = by_digest.find({f.sha256, f.mode});
    if (f.size == 0 || it == by_digest.end() || it->second->size != f.size) continue;
    if (!link_at(cur->get(), it->second->path, dir_.get(), f.path, where_)) continue;
    // Trust nothing on disk: a file edited in place under current is sent again.
    Result<OwnedFd> fd = open_file_at(dir_.get(), f.path, O_RDONLY, where_);
    Result<FileDigest> d =
        fd ? sha256_fd(fd->get(), f.path, kMaxFileBytes) : Result<FileDigest>(fd.status());
    if (!d || d->sha256 != f.sha256 || d->size != f.size) {
      (void)remove_file_at(dir_.get(), f.path, where_);
      continue;
    }
    p.written = f.size;
    p.created = true;
    ++reused_;
  }
  return Status::ok();
}

Status Staging::write(std::string_view path, std::uint64_t offset, std::string_view data) {
  const auto it = pending_.find(path);
  if (it == pending_.end()) {
    return Status::invalid_argument("file " + quoted(path) + " is not in bundle " +
                                    manifest_.version);
  }
  Pending& p = it->second;
  if (p.created && p.written == p.size) {
    return Status(ErrorCode::kConflict, "file " + quoted(path) + " is already complete");
  }
  if (offset != p.written) {
    return Status::invalid_argument("chunk of " + quoted(path) + " at offset " +
                                    std::to_string(offset) + ", expected " +
                                    std::to_string(p.written));
  }
  if (data.size() > p.size - offset) {
    return Status(ErrorCode::kTooLarge, "chunk of " + quoted(path) + " ends at " +
                                            std::to_string(offset + data.size()) +
                                            ", beyond its size " + std::to_string(p.size));
  }
  Result<OwnedFd> fd = p.created ? open_file_at(dir_.get(), path, O_WRONLY, where_)
                                 : create_file_at(dir_.get(), path, p.mode, where_);
  if (!fd) return fd.status();
  p.created = true;
  if (Status s = pwrite_all(fd->get(), data, offset, path); !s) return s;
  p.written += data.size();
  return Status::ok();
}

Status Staging::verify_all() const {
  for (const FileEntry& f : manifest_.files) {
    const Pending& p = pending_.at(f.path);
    if (!p.created || p.written != f.size) {
      return Status::invalid_argument("file " + quoted(f.path) +
                                      " is incomplete: " + std::to_string(p.written) + " of " +
                                      std::to_string(f.size) + " bytes received");
    }
    Result<OwnedFd> fd = open_file_at(dir_.get(), f.path, O_RDONLY, where_);
    if (!fd) return fd.status();
    struct stat st {};
    if (::fstat(fd->get(), &st) != 0 || (st.st_mode & 07777) != f.mode) {
      return Status::invalid_argument("file " + quoted(f.path) + " does not have mode " +
                                      mode_text(f.mode));
    }
    Result<FileDigest> d = sha256_fd(fd->get(), f.path, kMaxFileBytes);
    if (!d) return d.status();
    if (d->size != f.size || d->sha256 != f.sha256) {
      return Status::invalid_argument("file " + quoted(f.path) + " does not match its sha256 " +
                                      f.sha256 + " (got " + d->sha256 + ", " +
                                      std::to_string(d->size) + " bytes)");
    }
  }
  return Status::ok();
}

Status Staging::write_meta_files() {
  if (Status s = write_new_file(dir_.get(), kManifestFile, manifest_text(manifest_.files), where_);
      !s)
    return s;
  if (Status s = write_new_file(dir_.get(), kVersionFile, manifest_.version + "\n", where_); !s)
    return s;
  // One flush for the whole tree instead of an fsync per file: it must be on disk before
  // `current` points at it.
  if (::syncfs(dir_.get()) != 0) return io_status("cannot sync " + quoted(where_), errno);
  return Status::ok();
}

Result<Staging::Committed> Staging::commit() {
  if (Status s = verify_all(); !s) return s;
  if (Status s = write_meta_files(); !s) return s;
  const int root = root_fd_.get();
  const std::string& version = manifest_.version;
  Committed out{read_current(root)};
  // An older install of the same content (not current: callers handle that) is replaced.
  if (out.previous != version) {
    if (Status s = remove_tree_at(root, version, root_); !s) return s;
  }
  if (::renameat(root, name_.c_str(), root, version.c_str()) != 0) {
    return io_status("cannot rename " + quoted(where_) + " to " + quoted(root_ + "/" + version),
                     errno);
  }
  committed_ = true;
  dir_.reset();
  // The stamp only orders pruning and pruning only saves space: neither may fail an
  // install whose files are in place, and the next install retries both.
  (void)stamp_install_time(root, version, root_);
  if (Status s = switch_current(root, version, root_); !s) return s;
  (void)prune(root, root_);
  return out;
}

}  // namespace bc::install
