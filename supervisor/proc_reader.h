#pragma once
// The /proc seam of the supervisor: per-process and per-host statistics, and the check
// that lets a restarted supervisor re-adopt a node without mistaking a recycled pid for
// it. ProcReader reads a /proc-like tree at a configurable root so tests can point it at
// crafted files; its methods are virtual so higher layers can be tested with a fake.
// Thread-compatible; holds no open files between calls.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace bc::sup {

// The fields of /proc/<pid>/stat the supervisor uses.
struct ProcStat {
  pid_t pid = 0;
  std::string comm;  // the name between the parentheses, may contain spaces and ')'
  char state = '?';  // R, S, D, Z, T, ...
  pid_t ppid = 0;
  pid_t pgid = 0;
  pid_t session = 0;
  std::uint64_t cpu_ticks = 0;     // utime + stime, in clock ticks
  std::uint64_t user_ticks = 0;    // field 14, utime
  std::uint64_t system_ticks = 0;  // field 15, stime
  std::uint64_t start_ticks = 0;   // field 22: start time after boot, in clock ticks
  std::uint64_t vsize_bytes = 0;
  std::uint64_t rss_bytes = 0;
  long threads = 0;
};

struct HostSample {
  double load1 = 0, load5 = 0, load15 = 0;
  std::uint64_t mem_total_bytes = 0;
  std::uint64_t mem_available_bytes = 0;
};

struct DiskUsage {
  std::string path;
  std::uint64_t total_bytes = 0;
  std::uint64_t avail_bytes = 0;        // available to unprivileged users (f_bavail)
  double avail_pct = 0;                 // avail / total * 100, 0 when total is 0
  std::optional<std::uint64_t> device;  // st_dev: which paths share a filesystem
};

// Parses the text of a /proc/<pid>/stat file. The comm field is delimited by the LAST ')'
// because a process may name itself "a b) c". `page_size` converts the rss page count.
Result<ProcStat> parse_proc_stat(std::string_view text, long page_size);

class ProcReader {
 public:
  explicit ProcReader(std::string proc_root = "/proc");
  virtual ~ProcReader() = default;

  virtual Result<ProcStat> read_proc_stat(pid_t pid) const;
  // Number of open fds of `pid`; -1 when /proc/<pid>/fd cannot be listed.
  virtual int count_fds(pid_t pid) const;
  // The command line with arguments joined by single spaces.
  virtual Result<std::string> read_cmdline(pid_t pid) const;
  // The re-adoption check: `pid` exists, is not a zombie, and started at `start_ticks`
  // (so it is the very process we spawned, not a later one that reused the pid).
  virtual bool process_alive_with_start(pid_t pid, std::uint64_t start_ticks) const;
  // Load averages and memory; fields stay 0 when a file cannot be read.
  virtual HostSample read_host() const;

 private:
  std::string path_for(pid_t pid, std::string_view leaf) const;

  std::string root_;
  long page_size_;
};

// Free space of the file system holding `path` (statvfs). Not under /proc, but part of
// the same sampling seam.
Result<DiskUsage> disk_usage(const std::string& path);

// Clock ticks (of /proc/<pid>/stat's times) in seconds: sysconf(_SC_CLK_TCK).
double ticks_to_seconds(std::uint64_t ticks);

// Turns successive CPU tick counters of one process into a CPU percentage (100 = one core
// fully busy). Thread-compatible; one meter per process.
class CpuMeter {
 public:
  // `ticks_per_second` is sysconf(_SC_CLK_TCK) unless given (tests pass their own).
  explicit CpuMeter(long ticks_per_second = 0);

  // Percentage since the previous sample; nullopt for the first sample, when no time
  // passed, or when the counter went backwards (a different process behind the pid).
  std::optional<double> sample(std::uint64_t cpu_ticks, std::chrono::steady_clock::time_point now);

 private:
  double ticks_per_second_;
  std::optional<std::uint64_t> last_ticks_;
  std::chrono::steady_clock::time_point last_time_{};
};

}  // namespace bc::sup
