#include "collector/stats_log.h"
#include "common/unique_fd.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <spdlog/fmt/fmt.h>

namespace bc::collector {
namespace {

constexpr std::array<std::string_view, 9> kActions = {"started",   "stopped",  "crashed",
                                                      "restarted", "failed",   "host-down",
                                                      "host-up",   "bus-down", "bus-up"};

std::string errno_text(int err) {
  char buf[256];
  return strerror_r(err, buf, sizeof buf);
}

// One whitespace-free field, so that the line splits back into the same fields.
std::string field(std::string_view s) {
  if (s.empty()) return "-";
  std::string out(s);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '\x7f') c = '_';
  }
  return out;
}

// Free text on the rest of the line: only line breaks and other control characters go.
std::string detail_text(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < ' ' || c == '\x7f') c = ' ';
  }
  return out;
}

std::string parent_dir(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

Status write_all(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return Status::io_error("cannot write '" + path + "': " + errno_text(n < 0 ? errno : EIO));
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return Status::ok();
}

// Keep the line? Lines whose leading time does not parse are kept.
bool keep_line(const std::string& line, double cutoff) {
  const char* begin = line.c_str();
  char* end = nullptr;
  errno = 0;
  const double t = std::strtod(begin, &end);
  if (end == begin || errno != 0 || (*end != ' ' && *end != '\0')) return true;
  return t >= cutoff;
}

}  // namespace

StatsLog::StatsLog(std::string path) : path_(std::move(path)) {}

bool StatsLog::is_known_action(std::string_view action) {
  for (auto a : kActions) {
    if (a == action) return true;
  }
  return false;
}

Status StatsLog::sample(double unix_time, const std::string& host, const std::string& node,
                        const std::string& type, const StatsSample& s) {
  const auto seconds = [](std::optional<double> v) {
    return v ? fmt::format("{:.2f}", *v) : std::string("-");
  };
  const auto count = [](std::optional<std::uint64_t> v) {
    return v ? std::to_string(*v) : std::string("-");
  };
  const std::string line = fmt::format(
      "{:.6f} {} {} {} cpu={:.1f} rss={} vsize={} cpu_user_s={} cpu_system_s={} "
      "packets_received={} packets_dropped={}\n",
      unix_time, field(host), field(node), field(type), s.cpu_pct, s.rss, s.vsize,
      seconds(s.cpu_user_s), seconds(s.cpu_system_s), count(s.packets_received),
      count(s.packets_dropped));
  return append(line);
}

Status StatsLog::action(double unix_time, const std::string& host, const std::string& node,
                        const std::string& action, const std::string& detail) {
  if (!is_known_action(action)) {
    return Status::invalid_argument("unknown stats.log action '" + action + "'");
  }
  std::string line =
      fmt::format("{:.6f} {} {} action={}", unix_time, field(host), field(node), action);
  if (!detail.empty()) line += " " + detail_text(detail);
  return append(line + '\n');
}

Status StatsLog::append(const std::string& line) {
  const int flags = O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC;
  int raw = ::open(path_.c_str(), flags, 0644);
  if (raw < 0 && errno == ENOENT) {
    std::error_code ec;
    std::filesystem::create_directories(parent_dir(path_), ec);
    raw = ::open(path_.c_str(), flags, 0644);
  }
  if (raw < 0) return Status::io_error("cannot open '" + path_ + "': " + errno_text(errno));
  UniqueFd fd(raw);
  struct stat st {};
  const bool have_size = ::fstat(fd.get(), &st) == 0;
  // One write() per line; the loop only continues after a short write, which on a regular
  // file means the next write() reports why (EFBIG, ENOSPC) or, rarely, completes the line.
  Status s = write_all(fd.get(), line, path_);
  if (s && fd.close() != 0)
    s = Status::io_error("cannot write '" + path_ + "': " + errno_text(errno));
  // Cut a partial line off again so that the next line does not start mid-line.
  if (!s && have_size && fd.get() >= 0) (void)!::ftruncate(fd.get(), st.st_size);
  return s;
}

Result<std::size_t> StatsLog::expire(double now_unix, int max_age_days) {
  if (max_age_days <= 0) return std::size_t{0};
  if (::access(path_.c_str(), F_OK) != 0 && errno == ENOENT) return std::size_t{0};
  std::ifstream in(path_);
  if (!in) return Status::io_error("cannot read '" + path_ + "': " + errno_text(errno));
  const double cutoff = now_unix - static_cast<double>(max_age_days) * 86400.0;
  const std::string tmp = path_ + ".expire.tmp";
  UniqueFd out(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (out.get() < 0) return Status::io_error("cannot create '" + tmp + "': " + errno_text(errno));
  std::size_t removed = 0;
  std::string line, buffer;
  Status s;
  while (s && std::getline(in, line)) {
    if (!keep_line(line, cutoff)) {
      ++removed;
      continue;
    }
    buffer += line;
    buffer += '\n';
    if (buffer.size() >= 64 * 1024) {
      s = write_all(out.get(), buffer, tmp);
      buffer.clear();
    }
  }
  if (s && in.bad()) s = Status::io_error("cannot read '" + path_ + "'");
  if (s) s = write_all(out.get(), buffer, tmp);
  if (s && removed > 0 && ::fsync(out.get()) != 0) {
    s = Status::io_error("cannot write '" + tmp + "': " + errno_text(errno));
  }
  if (s && out.close() != 0)
    s = Status::io_error("cannot write '" + tmp + "': " + errno_text(errno));
  if (!s || removed == 0) {
    ::unlink(tmp.c_str());
    if (!s) return s;
    return std::size_t{0};
  }
  if (::rename(tmp.c_str(), path_.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return Status::io_error("cannot replace '" + path_ + "': " + errno_text(err));
  }
  UniqueFd dir(::open(parent_dir(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() >= 0) ::fsync(dir.get());
  return removed;
}

}  // namespace bc::collector
