#include "collector/log_archiver.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <limits>
#include <optional>
#include <string_view>
#include <system_error>

#include "common/status.h"
#include "common/unique_fd.h"

namespace bc::collector {
namespace {

namespace fs = std::filesystem;
using TimePoint = LogArchiver::TimePoint;

constexpr std::size_t kChunk = 64 * 1024;
constexpr int kMaxNameTries = 1000;

std::string errno_text(int err) {
  char buf[256];
  return strerror_r(err, buf, sizeof buf);
}

Status io_status(const std::string& what, int err) {
  return Status::io_error(what + ": " + errno_text(err));
}

std::tm local_tm(TimePoint t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  localtime_r(&secs, &tm);
  return tm;
}

std::string strftime_of(TimePoint t, const char* format) {
  const std::tm tm = local_tm(t);
  char buf[64];
  const std::size_t n = std::strftime(buf, sizeof buf, format, &tm);
  return std::string(buf, n);
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// The cluster logs of a spool dir: regular *.log files other than the node program's own
// stdout.log/stderr.log, sorted. A missing dir has none.
std::vector<std::string> list_logs(const std::string& dir, std::vector<std::string>& errors) {
  std::vector<std::string> names;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) {
    if (ec != std::errc::no_such_file_or_directory) {
      errors.push_back("cannot list '" + dir + "': " + ec.message());
    }
    return names;
  }
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!ends_with(name, ".log") || name == "stdout.log" || name == "stderr.log") continue;
    std::error_code sec;
    if (it->symlink_status(sec).type() != fs::file_type::regular) continue;
    names.push_back(name);
  }
  if (ec) errors.push_back("cannot list '" + dir + "': " + ec.message());
  std::sort(names.begin(), names.end());
  return names;
}

bool exists_nofollow(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

// dir/stem.ext, or dir/stem.N.ext when that is taken.
std::optional<std::string> free_name(const std::string& dir, const std::string& stem,
                                     const std::string& ext) {
  for (int n = 0; n < kMaxNameTries; ++n) {
    const std::string name = n == 0 ? stem + ext : stem + "." + std::to_string(n) + ext;
    const std::string path = dir + "/" + name;
    if (!exists_nofollow(path)) return path;
  }
  return std::nullopt;
}

Status write_all(int fd, const unsigned char* data, std::size_t size, const std::string& path) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return io_status("cannot write '" + path + "'", n < 0 ? errno : ENOSPC);
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return Status::ok();
}

ssize_t read_some(int fd, unsigned char* buf, std::size_t size) {
  ssize_t n;
  do {
    n = ::read(fd, buf, size);
  } while (n < 0 && errno == EINTR);
  return n;
}

// Streams `in` into `out`, gzip-compressed (zlib's deflate with a gzip wrapper).
Status gzip_stream(int in, const std::string& in_path, int out, const std::string& out_path) {
  z_stream z{};
  if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return Status::internal("zlib: deflateInit2 failed");
  }
  std::vector<unsigned char> ibuf(kChunk), obuf(kChunk);
  Status s;
  int flush = Z_NO_FLUSH;
  while (s && flush != Z_FINISH) {
    const ssize_t n = read_some(in, ibuf.data(), ibuf.size());
    if (n < 0) {
      s = io_status("cannot read '" + in_path + "'", errno);
      break;
    }
    flush = n == 0 ? Z_FINISH : Z_NO_FLUSH;
    z.next_in = ibuf.data();
    z.avail_in = static_cast<uInt>(n);
    do {
      z.next_out = obuf.data();
      z.avail_out = static_cast<uInt>(obuf.size());
      deflate(&z, flush);  // cannot fail with valid state and buffers
      s = write_all(out, obuf.data(), obuf.size() - z.avail_out, out_path);
    } while (s && z.avail_out == 0);
  }
  deflateEnd(&z);
  return s;
}

Status copy_stream(int in, const std::string& in_path, int out, const std::string& out_path) {
  std::vector<unsigned char> buf(kChunk);
  for (;;) {
    const ssize_t n = read_some(in, buf.data(), buf.size());
    if (n < 0) return io_status("cannot read '" + in_path + "'", errno);
    if (n == 0) return Status::ok();
    if (Status s = write_all(out, buf.data(), static_cast<std::size_t>(n), out_path); !s) return s;
  }
}

void fsync_dir(const std::string& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() >= 0) ::fsync(fd.get());
}

// Writes `src` (compressed or not) to a temporary in `dest`'s dir, fsyncs it and renames
// it to `dest`: `dest` is complete or absent.
Status store_copy(const std::string& src, const std::string& dest, bool compress) {
  UniqueFd in(::open(src.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) return io_status("cannot open '" + src + "'", errno);
  const fs::path dest_path(dest);
  const std::string dir = dest_path.parent_path().string();
  const std::string tmp = dir + "/." + dest_path.filename().string() + ".tmp";
  UniqueFd out(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (out.get() < 0) return io_status("cannot create '" + tmp + "'", errno);
  Status s = compress ? gzip_stream(in.get(), src, out.get(), tmp)
                      : copy_stream(in.get(), src, out.get(), tmp);
  if (s && ::fsync(out.get()) != 0) s = io_status("cannot write '" + tmp + "'", errno);
  if (s && out.close() != 0) s = io_status("cannot write '" + tmp + "'", errno);
  if (s && ::rename(tmp.c_str(), dest.c_str()) != 0) {
    s = io_status("cannot rename '" + tmp + "' to '" + dest + "'", errno);
  }
  if (!s) {
    ::unlink(tmp.c_str());
    return s;
  }
  fsync_dir(dir);
  return Status::ok();
}

// A name for a file taken out of the node's way: still *.log, so that the next rotation
// archives it if it has to stay.
std::optional<std::string> staging_name(const std::string& src, TimePoint now) {
  const fs::path p(src);
  const std::string stem =
      p.stem().string() + ".rotating-" + std::to_string(std::chrono::system_clock::to_time_t(now));
  return free_name(p.parent_path().string(), stem, ".log");
}

// Puts a staged file back after a failed archival; returns where the data now is.
std::string restore(const std::string& staged, const std::string& src) {
  if (!exists_nofollow(src) && ::rename(staged.c_str(), src.c_str()) == 0) return src;
  return staged;
}

// ---- expire --------------------------------------------------------------------------

// "YYYY-MM-DD" -> days since the epoch; nullopt for anything else.
std::optional<std::chrono::sys_days> parse_day(std::string_view name) {
  if (name.size() != 10 || name[4] != '-' || name[7] != '-') return std::nullopt;
  auto num = [&](std::size_t pos, std::size_t len) -> std::optional<int> {
    int v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (name[i] < '0' || name[i] > '9') return std::nullopt;
      v = v * 10 + (name[i] - '0');
    }
    return v;
  };
  const auto y = num(0, 4), m = num(5, 2), d = num(8, 2);
  if (!y || !m || !d) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year(*y),
                                        std::chrono::month(static_cast<unsigned>(*m)),
                                        std::chrono::day(static_cast<unsigned>(*d))};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days(ymd);
}

std::chrono::sys_days local_day(TimePoint t) {
  const std::tm tm = local_tm(t);
  return std::chrono::sys_days(
      std::chrono::year_month_day{std::chrono::year(tm.tm_year + 1900),
                                  std::chrono::month(static_cast<unsigned>(tm.tm_mon + 1)),
                                  std::chrono::day(static_cast<unsigned>(tm.tm_mday))});
}

// The newest mtime of `path` and everything below it (symlinks not followed).
std::time_t newest_mtime(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return 0;
  std::time_t newest = st.st_mtime;
  if (!S_ISDIR(st.st_mode)) return newest;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    struct stat sub {};
    if (::lstat(it->path().c_str(), &sub) == 0) newest = std::max(newest, sub.st_mtime);
  }
  // An unreadable tree counts as new: never remove what could not be looked at.
  return ec ? std::numeric_limits<std::time_t>::max() : newest;
}

}  // namespace

LogArchiver::LogArchiver(ArchiveSettings s) : s_(std::move(s)) {}

std::string LogArchiver::day_dir_name(TimePoint t) {
  return strftime_of(t, "%Y-%m-%d");
}

std::string LogArchiver::archive_name(const std::string& log_file_name, TimePoint start,
                                      TimePoint end, bool compress) {
  const std::string stem = fs::path(log_file_name).stem().string();
  return stem + "." + strftime_of(start, "%H:%M:%S") + "-" + strftime_of(end, "%H:%M:%S") +
         (compress ? ".log.gz" : ".log");
}

ArchiveReport LogArchiver::rotate(TimePoint interval_start, TimePoint now) {
  ArchiveReport report;
  const std::vector<std::string> names = s_.manager_spool.empty()
                                             ? std::vector<std::string>{}
                                             : list_logs(s_.manager_spool, report.errors);
  if (!names.empty()) {
    const std::string day_dir = s_.log_dir + "/" + day_dir_name(interval_start);
    std::string problem;  // why nothing can be archived this time
    std::error_code ec;
    if (s_.log_dir.empty()) {
      problem = "LogDir is not set";
    } else if (fs::create_directories(day_dir, ec); ec) {
      problem = "cannot create '" + day_dir + "': " + ec.message();
    }
    for (const auto& name : names) {
      const std::string src = s_.manager_spool + "/" + name;
      if (problem.empty()) {
        archive_file(src, day_dir, interval_start, now, report);
      } else {
        report.errors.push_back("cannot archive '" + src + "': " + problem + "; left in place");
      }
    }
  }
  for (const auto& spool : s_.discard_spools)
    discard_logs(spool, report);
  return report;
}

void LogArchiver::archive_file(const std::string& src, const std::string& day_dir, TimePoint start,
                               TimePoint now, ArchiveReport& report) const {
  const std::string name = fs::path(src).filename().string();
  std::string full = archive_name(name, start, now, false);
  const std::string stem = full.substr(0, full.size() - 4);  // without ".log"
  const auto dest = free_name(day_dir, stem, s_.compress ? ".log.gz" : ".log");
  if (!dest) {
    report.errors.push_back("cannot archive '" + src + "': no free name in '" + day_dir +
                            "'; left in place");
    return;
  }
  if (!s_.compress) {
    // One file system: the archive is the node's very file (see the header).
    if (::rename(src.c_str(), dest->c_str()) == 0) {
      report.archived.push_back(*dest);
      return;
    }
    const int err = errno;
    if (err != EXDEV) {
      report.errors.push_back("cannot move '" + src + "' to '" + *dest + "': " + errno_text(err) +
                              "; left in place");
      return;
    }
  }
  const auto staged = staging_name(src, now);
  if (!staged || ::rename(src.c_str(), staged->c_str()) != 0) {
    const int err = errno;
    report.errors.push_back(
        "cannot archive '" + src + "': " +
        (staged ? "cannot rename it: " + errno_text(err) : std::string("no free staging name")) +
        "; left in place");
    return;
  }
  if (Status s = store_copy(*staged, *dest, s_.compress); !s) {
    const std::string where = restore(*staged, src);
    report.errors.push_back("cannot archive '" + src + "': " + s.message() + "; left as '" + where +
                            "'");
    return;
  }
  report.archived.push_back(*dest);
  if (::unlink(staged->c_str()) != 0) {
    const int err = errno;
    report.errors.push_back("archived '" + src + "' to '" + *dest + "' but cannot remove '" +
                            *staged + "': " + errno_text(err));
  }
}

void LogArchiver::discard_logs(const std::string& spool, ArchiveReport& report) const {
  for (const auto& name : list_logs(spool, report.errors)) {
    const std::string path = spool + "/" + name;
    if (::unlink(path.c_str()) == 0) {
      report.discarded.push_back(path);
    } else {
      const int err = errno;
      report.errors.push_back("cannot discard '" + path + "': " + errno_text(err));
    }
  }
}

ArchiveReport LogArchiver::expire(TimePoint now) {
  ArchiveReport report;
  if (s_.expire_days <= 0) return report;
  if (s_.log_dir.empty()) {
    report.errors.push_back("cannot expire archived logs: LogDir is not set");
    return report;
  }
  const auto oldest_kept_day = local_day(now) - std::chrono::days(s_.expire_days);
  const std::time_t mtime_cutoff =
      std::chrono::system_clock::to_time_t(now - std::chrono::days(s_.expire_days));
  std::vector<std::string> victims;
  std::error_code ec;
  fs::directory_iterator it(s_.log_dir, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    report.errors.push_back("cannot list '" + s_.log_dir + "': " + ec.message());
  }
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    std::error_code sec;
    const auto type = it->symlink_status(sec).type();
    if (name.empty() || name[0] == '.' ||
        (type != fs::file_type::directory && type != fs::file_type::regular)) {
      continue;
    }
    const std::string path = it->path().string();
    const auto day = parse_day(name);
    if (day ? *day < oldest_kept_day : newest_mtime(path) < mtime_cutoff) victims.push_back(path);
  }
  std::sort(victims.begin(), victims.end());
  for (const auto& path : victims) {
    std::error_code rec;
    fs::remove_all(path, rec);
    if (rec) {
      report.errors.push_back("cannot remove '" + path + "': " + rec.message());
    } else {
      report.expired.push_back(path);
    }
  }
  return report;
}

}  // namespace bc::collector
