#include "common/file_util.h"
#include "common/unique_fd.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <vector>

#include "common/os_error.h"

namespace bc {
namespace {

std::string dir_of(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string base_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Returns 0 or the errno of the failing write.
int write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return 0;
}

int fsync_dir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno;
  UniqueFd guard(fd);
  return ::fsync(fd) == 0 ? 0 : errno;
}

// Fills the temporary; returns 0 or the errno of the first failing step.
int fill_temp(int fd, std::string_view content, mode_t mode, bool sync) {
  if (::fchmod(fd, mode) != 0) return errno;
  if (int err = write_all(fd, content); err != 0) return err;
  if (sync && ::fsync(fd) != 0) return errno;
  return 0;
}

// Overwrites in place and cuts to length. No O_TRUNC: truncating first frees the file's
// blocks and journals it (on ext4 the most expensive step of a node start); overwriting and
// then cutting to the new length keeps the block when the size barely changes, as it does
// for these files.
Status overwrite(UniqueFd& fd, const std::string& shown, std::string_view content, mode_t mode) {
  // The mode is the caller's even for a file left by an older version with a wider one.
  int err = ::fchmod(fd.get(), mode) == 0 ? 0 : errno;
  if (err == 0) err = write_all(fd.get(), content);
  if (err == 0 && ::ftruncate(fd.get(), static_cast<off_t>(content.size())) != 0) err = errno;
  if (err == 0 && fd.close() != 0) err = errno;
  return err == 0 ? Status::ok() : io_status("cannot write " + quoted(shown), err);
}

Result<std::string> read_all(int fd, const std::string& shown, std::size_t max_bytes) {
  std::string out;
  char buf[16384];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_status("cannot read " + quoted(shown), errno);
    if (n == 0) return out;
    if (out.size() + static_cast<std::size_t>(n) > max_bytes) {
      return Status(ErrorCode::kTooLarge,
                    quoted(shown) + " is larger than " + std::to_string(max_bytes) + " bytes");
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
}

std::string tail_fd(int fd, std::size_t max_bytes, std::uint64_t upto) {
  struct stat st {};
  if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || max_bytes == 0) {
    return {};
  }
  const auto size = static_cast<std::size_t>(
      std::min<std::uint64_t>(static_cast<std::uint64_t>(st.st_size), upto));
  // One byte before the window tells whether the window starts a line.
  const std::size_t start = size > max_bytes ? size - max_bytes - 1 : 0;
  std::string out(size - start, '\0');
  std::size_t got = 0;
  while (got < out.size()) {
    const ssize_t n =
        ::pread(fd, out.data() + got, out.size() - got, static_cast<off_t>(start + got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  out.resize(got);
  if (size <= max_bytes) return out;
  // Drop the partial first line, unless the window is one (long) line.
  const auto nl = out.find('\n');
  const bool useful = nl != std::string::npos && nl + 1 < out.size();
  out.erase(0, useful ? nl + 1 : std::min<std::size_t>(1, out.size()));
  return out;
}

Status check_regular(int fd, const std::string& shown) {
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    return Status(ErrorCode::kIo, "cannot read " + quoted(shown) + ": not a regular file");
  }
  return Status::ok();
}

Status copy_prefix(int in, const std::string& from, UniqueFd& out, const std::string& to,
                   std::uint64_t bytes) {
  char buf[65536];
  std::uint64_t left = bytes;
  while (left > 0) {
    const ssize_t n =
        ::read(in, buf, static_cast<std::size_t>(std::min<std::uint64_t>(left, sizeof buf)));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_status("cannot read " + quoted(from), errno);
    if (n == 0) break;
    if (int err = write_all(out.get(), std::string_view(buf, static_cast<std::size_t>(n)));
        err != 0) {
      return io_status("cannot write " + quoted(to), err);
    }
    left -= static_cast<std::uint64_t>(n);
  }
  if (out.close() != 0) return io_status("cannot write " + quoted(to), errno);
  return Status::ok();
}

}  // namespace

Status write_file_atomic(const std::string& path, std::string_view content, mode_t mode,
                         Durability durability) {
  const bool sync = durability == Durability::kSync;
  const std::string what = "cannot write " + quoted(path);
  const std::string dir = dir_of(path);
  // Hidden name so that a listing of the spool never shows half-written state files.
  std::string tmp = dir + "/." + base_of(path) + ".tmp.XXXXXX";
  UniqueFd fd(::mkostemp(tmp.data(), O_CLOEXEC));
  if (fd.get() < 0) return io_status(what, errno);
  int err = fill_temp(fd.get(), content, mode, sync);
  if (err == 0 && fd.close() != 0) err = errno;
  if (err == 0 && ::rename(tmp.c_str(), path.c_str()) != 0) err = errno;
  if (err != 0) {
    ::unlink(tmp.c_str());
    return io_status(what, err);
  }
  // The rename is durable only once the directory entry is on disk.
  if (!sync) return Status::ok();
  if (int dir_err = fsync_dir(dir); dir_err != 0) return io_status(what, dir_err);
  return Status::ok();
}

Status write_file_atomic(const DirFd& dir, std::string_view name, std::string_view content,
                         mode_t mode, Durability durability) {
  const bool sync = durability == Durability::kSync;
  const std::string what = "cannot write " + quoted(dir.path_of(name));
  if (!is_single_component(name)) return Status::invalid_argument(what + ": not a file name");
  // mkostemp has no *at form: the same hidden name, made unique by pid and a counter
  // (O_EXCL creates, and never follows a link).
  static std::atomic<unsigned> counter{0};
  std::string tmp;
  UniqueFd fd(-1);
  for (int attempt = 0; attempt < 100 && fd.get() < 0; ++attempt) {
    tmp = "." + std::string(name) + ".tmp." + std::to_string(::getpid()) + "." +
          std::to_string(counter.fetch_add(1));
    fd = UniqueFd(::openat(dir.get(), tmp.c_str(),
                           O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (fd.get() < 0 && errno != EEXIST) break;
  }
  if (fd.get() < 0) return io_status(what, errno);
  int err = fill_temp(fd.get(), content, mode, sync);
  if (err == 0 && fd.close() != 0) err = errno;
  if (err == 0 && ::renameat(dir.get(), tmp.c_str(), dir.get(), std::string(name).c_str()) != 0)
    err = errno;
  if (err != 0) {
    ::unlinkat(dir.get(), tmp.c_str(), 0);
    return io_status(what, err);
  }
  if (sync && ::fsync(dir.get()) != 0) return io_status(what, errno);
  return Status::ok();
}

Status write_file_in_place(const std::string& path, std::string_view content, mode_t mode) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, mode));
  if (fd.get() < 0) return io_status("cannot write " + quoted(path), errno);
  return overwrite(fd, path, content, mode);
}

Status write_file_in_place(const DirFd& dir, std::string_view name, std::string_view content,
                           mode_t mode) {
  auto fd = open_file_at(dir, name, O_WRONLY | O_CREAT, mode);
  if (!fd.is_ok()) return fd.status();
  return overwrite(*fd, dir.path_of(name), content, mode);
}

Result<std::string> read_file(const std::string& path, std::size_t max_bytes, Follow follow) {
  UniqueFd fd(
      ::open(path.c_str(), O_RDONLY | O_CLOEXEC | (follow == Follow::kNo ? O_NOFOLLOW : 0)));
  if (fd.get() < 0) return file_status("cannot read " + quoted(path), errno);
  return read_all(fd.get(), path, max_bytes);
}

Result<std::string> read_file(const DirFd& dir, std::string_view name, std::size_t max_bytes) {
  auto fd = open_file_at(dir, name, O_RDONLY | O_NONBLOCK);
  if (!fd.is_ok()) return fd.status();
  return read_all(fd->get(), dir.path_of(name), max_bytes);
}

std::string tail_file(const std::string& path, std::size_t max_bytes, std::uint64_t upto) {
  // Never through a symlink, never a FIFO or device: a node could plant either in its dir.
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  return tail_fd(fd.get(), max_bytes, upto);
}

std::string tail_file(const DirFd& dir, std::string_view name, std::size_t max_bytes,
                      std::uint64_t upto) {
  auto fd = open_file_at(dir, name, O_RDONLY | O_NONBLOCK);
  return fd.is_ok() ? tail_fd(fd->get(), max_bytes, upto) : std::string();
}

Status copy_file_prefix(const std::string& from, const std::string& to, std::uint64_t bytes,
                        mode_t mode) {
  UniqueFd in(::open(from.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  if (in.get() < 0) return file_status("cannot read " + quoted(from), errno);
  if (Status s = check_regular(in.get(), from); !s.is_ok()) return s;
  UniqueFd out(::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode));
  if (out.get() < 0) return io_status("cannot write " + quoted(to), errno);
  return copy_prefix(in.get(), from, out, to, bytes);
}

Status copy_file_prefix(const DirFd& from_dir, std::string_view from, const DirFd& to_dir,
                        std::string_view to, std::uint64_t bytes, mode_t mode) {
  auto in = open_file_at(from_dir, from, O_RDONLY | O_NONBLOCK);
  if (!in.is_ok()) return in.status();
  if (Status s = check_regular(in->get(), from_dir.path_of(from)); !s.is_ok()) return s;
  auto out = open_file_at(to_dir, to, O_WRONLY | O_CREAT | O_TRUNC, mode);
  if (!out.is_ok()) return out.status();
  return copy_prefix(in->get(), from_dir.path_of(from), *out, to_dir.path_of(to), bytes);
}

Status ensure_dir(const std::string& path, mode_t mode) {
  if (path.empty()) return Status::invalid_argument("empty directory path");
  // The common case (every node start) is a directory that exists: one stat, no mkdirs.
  struct stat existing {};
  if (::stat(path.c_str(), &existing) == 0 && S_ISDIR(existing.st_mode) &&
      ::access(path.c_str(), W_OK | X_OK) == 0) {
    return Status::ok();
  }
  // Create each prefix in turn; EEXIST is fine as long as it is a directory.
  for (std::size_t pos = path.find('/', 1);; pos = path.find('/', pos + 1)) {
    const std::string prefix = path.substr(0, pos);
    if (!prefix.empty() && ::mkdir(prefix.c_str(), mode) != 0 && errno != EEXIST) {
      return io_status("cannot create directory " + quoted(path), errno);
    }
    if (pos == std::string::npos) break;
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return io_status("cannot create directory " + quoted(path), errno);
  }
  if (!S_ISDIR(st.st_mode)) {
    return io_status("cannot create directory " + quoted(path), ENOTDIR);
  }
  if (::access(path.c_str(), W_OK | X_OK) != 0) {
    return io_status("directory " + quoted(path) + " is not writable", errno);
  }
  return Status::ok();
}

}  // namespace bc
