#include "supervisor/proc_reader.h"

#include <dirent.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <vector>

#include "common/file_util.h"
#include "common/os_error.h"

namespace bc::sup {
namespace {

// /proc files are tiny; the bound only protects against a fake root with a huge file.
constexpr std::size_t kMaxProcFile = 1 << 20;

// Fields after the comm, numbered as in proc(5): the state is field 3.
constexpr std::size_t kFirstField = 3;
constexpr std::size_t kLastFieldUsed = 24;

std::vector<std::string_view> split_spaces(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\n'))
      ++i;
    const std::size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\n')
      ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

template <class T>
bool parse_number(std::string_view s, T& out) {
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

// Reads the value of a "Key:   123 kB" line of /proc/meminfo, in bytes.
std::uint64_t meminfo_bytes(std::string_view text, std::string_view key) {
  const auto pos = text.find(key);
  if (pos == std::string_view::npos) return 0;
  const auto fields = split_spaces(text.substr(pos + key.size(), 64));
  std::uint64_t kb = 0;
  if (fields.empty() || !parse_number(fields[0], kb)) return 0;
  return kb * 1024;
}

}  // namespace

Result<ProcStat> parse_proc_stat(std::string_view text, long page_size) {
  const auto open = text.find('(');
  const auto close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    return Status::parse_error("malformed stat line: no (comm)");
  }
  ProcStat st;
  st.comm = std::string(text.substr(open + 1, close - open - 1));
  const auto f = split_spaces(text.substr(close + 1));
  if (f.size() < kLastFieldUsed - kFirstField + 1 || f[0].size() != 1) {
    return Status::parse_error("malformed stat line: too few fields");
  }
  auto at = [&f](std::size_t field) { return f[field - kFirstField]; };
  std::uint64_t utime = 0, stime = 0;
  std::int64_t rss_pages = 0;
  st.state = f[0][0];
  const auto head = split_spaces(text.substr(0, open));
  const bool ok = head.size() == 1 && parse_number(head[0], st.pid) &&
                  parse_number(at(4), st.ppid) && parse_number(at(5), st.pgid) &&
                  parse_number(at(6), st.session) && parse_number(at(14), utime) &&
                  parse_number(at(15), stime) && parse_number(at(20), st.threads) &&
                  parse_number(at(22), st.start_ticks) && parse_number(at(23), st.vsize_bytes) &&
                  parse_number(at(24), rss_pages);
  if (!ok) return Status::parse_error("malformed stat line: bad number");
  st.cpu_ticks = utime + stime;
  st.user_ticks = utime;
  st.system_ticks = stime;
  st.rss_bytes = rss_pages > 0
                     ? static_cast<std::uint64_t>(rss_pages) * static_cast<std::uint64_t>(page_size)
                     : 0;
  return st;
}

ProcReader::ProcReader(std::string proc_root)
    : root_(std::move(proc_root)), page_size_(::sysconf(_SC_PAGESIZE)) {}

std::string ProcReader::path_for(pid_t pid, std::string_view leaf) const {
  std::string p = root_ + "/" + std::to_string(pid) + "/";
  p += leaf;
  return p;
}

Result<ProcStat> ProcReader::read_proc_stat(pid_t pid) const {
  auto text = read_file(path_for(pid, "stat"), kMaxProcFile);
  if (!text) return text.status();
  return parse_proc_stat(*text, page_size_);
}

int ProcReader::count_fds(pid_t pid) const {
  DIR* dir = ::opendir(path_for(pid, "fd").c_str());
  if (dir == nullptr) return -1;
  int count = 0;
  while (const dirent* e = ::readdir(dir)) {
    if (e->d_name[0] != '.') ++count;
  }
  ::closedir(dir);
  return count;
}

Result<std::string> ProcReader::read_cmdline(pid_t pid) const {
  auto text = read_file(path_for(pid, "cmdline"), kMaxProcFile);
  if (!text) return text.status();
  std::string s = std::move(*text);
  while (!s.empty() && s.back() == '\0')
    s.pop_back();
  for (char& c : s) {
    if (c == '\0') c = ' ';
  }
  return s;
}

bool ProcReader::process_alive_with_start(pid_t pid, std::uint64_t start_ticks) const {
  if (pid <= 0) return false;
  auto st = read_proc_stat(pid);
  // 'X' (dead) is transient but possible; a zombie has exited and only waits for reaping.
  return st && st->state != 'Z' && st->state != 'X' && st->start_ticks == start_ticks;
}

HostSample ProcReader::read_host() const {
  HostSample h;
  if (auto load = read_file(root_ + "/loadavg", kMaxProcFile)) {
    const auto f = split_spaces(*load);
    if (f.size() >= 3) {
      // from_chars for double is available in GCC 11+, and /proc always uses '.'.
      parse_number(f[0], h.load1);
      parse_number(f[1], h.load5);
      parse_number(f[2], h.load15);
    }
  }
  if (auto mem = read_file(root_ + "/meminfo", kMaxProcFile)) {
    h.mem_total_bytes = meminfo_bytes(*mem, "MemTotal:");
    h.mem_available_bytes = meminfo_bytes(*mem, "MemAvailable:");
  }
  return h;
}

Result<DiskUsage> disk_usage(const std::string& path) {
  struct statvfs vfs {};
  if (::statvfs(path.c_str(), &vfs) != 0) {
    return file_status("cannot get free space of " + quoted(path), errno);
  }
  DiskUsage du;
  du.path = path;
  if (struct stat st{}; ::stat(path.c_str(), &st) == 0)
    du.device = static_cast<std::uint64_t>(st.st_dev);
  du.total_bytes = static_cast<std::uint64_t>(vfs.f_blocks) * vfs.f_frsize;
  du.avail_bytes = static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
  if (du.total_bytes > 0) {
    du.avail_pct =
        100.0 * static_cast<double>(du.avail_bytes) / static_cast<double>(du.total_bytes);
  }
  return du;
}

double ticks_to_seconds(std::uint64_t ticks) {
  static const double per_second = static_cast<double>(::sysconf(_SC_CLK_TCK));
  return static_cast<double>(ticks) / per_second;
}

CpuMeter::CpuMeter(long ticks_per_second)
    : ticks_per_second_(
          static_cast<double>(ticks_per_second > 0 ? ticks_per_second : ::sysconf(_SC_CLK_TCK))) {}

std::optional<double> CpuMeter::sample(std::uint64_t cpu_ticks,
                                       std::chrono::steady_clock::time_point now) {
  const auto prev_ticks = last_ticks_;
  const auto prev_time = last_time_;
  last_ticks_ = cpu_ticks;
  last_time_ = now;
  if (!prev_ticks || cpu_ticks < *prev_ticks || now <= prev_time) return std::nullopt;
  const double seconds = std::chrono::duration<double>(now - prev_time).count();
  const double busy = static_cast<double>(cpu_ticks - *prev_ticks) / ticks_per_second_;
  return 100.0 * busy / seconds;
}

}  // namespace bc::sup
