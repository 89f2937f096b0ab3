#include "supervisor/core_files.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>

#include "common/file_util.h"
#include "common/os_error.h"
#include "common/unique_fd.h"

namespace bc::sup {
namespace {

std::string size_text(std::uint64_t bytes) {
  if (bytes < (1u << 20)) return std::to_string(bytes) + " bytes";
  const std::uint64_t tenths = (bytes * 10 + (1u << 19)) >> 20;
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " MiB";
}

// An ELF file of type ET_CORE: what the kernel writes, whatever the pattern named it.
bool is_elf_core(const DirFd& dir, const std::string& name) {
  auto fd = open_file_at(dir, name, O_RDONLY | O_NONBLOCK);
  if (!fd.is_ok()) return false;
  unsigned char h[EI_NIDENT + 2];
  if (::read(fd->get(), h, sizeof h) != static_cast<ssize_t>(sizeof h)) return false;
  if (std::memcmp(h, ELFMAG, SELFMAG) != 0) return false;
  const unsigned type = h[EI_DATA] == ELFDATA2MSB ? (h[EI_NIDENT] << 8) | h[EI_NIDENT + 1]
                                                  : h[EI_NIDENT] | (h[EI_NIDENT + 1] << 8);
  return type == ET_CORE;
}

std::string scan_for_core(const DirFd& dir, std::int64_t after_us) {
  std::string best;
  std::int64_t best_mtime = after_us;
  for (const std::string& name : list_dir(dir)) {
    const std::int64_t mtime = file_mtime_us(dir, name);  // 0 for directories and links
    if (mtime > best_mtime && is_elf_core(dir, name)) {
      best = name;
      best_mtime = mtime;
    }
  }
  return best;
}

}  // namespace

CorePattern parse_core_pattern(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
    text.pop_back();
  CorePattern p;
  p.text = text.empty() ? "core" : text;
  if (p.text.front() == '|') {
    p.where = CorePattern::Where::kPipe;
  } else if (p.text.find('/') != std::string::npos) {
    p.where = CorePattern::Where::kElsewhere;
  }
  return p;
}

CorePattern read_core_pattern(const std::string& file) {
  auto text = read_file(file, 4096);
  return parse_core_pattern(text.is_ok() ? *text : std::string());
}

std::int64_t file_mtime_us(const DirFd& dir, std::string_view name) {
  const auto st = stat_at(dir, name);
  if (!st || !S_ISREG(st->st_mode)) return 0;
  return static_cast<std::int64_t>(st->st_mtim.tv_sec) * 1'000'000 + st->st_mtim.tv_nsec / 1000;
}

std::string find_core_file(const DirFd& dir, pid_t pid, std::int64_t stale_mtime_us, bool scan,
                           std::int64_t started_us) {
  for (const std::string& name : {"core." + std::to_string(pid), std::string("core")}) {
    const std::int64_t mtime = file_mtime_us(dir, name);
    // With core_pattern "core" every crash of a node writes the same file: unchanged since
    // the start, it is a previous crash's (found when a node crashed with a core, was
    // restarted and then exited without one: its record named the old core).
    if (mtime != 0 && (stale_mtime_us == 0 || mtime > stale_mtime_us)) return name;
  }
  if (!scan) return {};
  // The kernel stamps the core when it writes it, after the process started.
  return scan_for_core(dir, std::max(stale_mtime_us, started_us));
}

std::string take_core(const DirFd& dir, const std::string& core, pid_t pid) {
  const std::string taken = ".core-" + std::to_string(pid) + ".taken";
  return rename_at(dir, core, dir, taken).is_ok() ? taken : core;
}

void keep_core(const DirFd& node_dir, const std::string& taken, const DirFd& record,
               std::uint64_t max_bytes, msg::CrashReport& r) {
  // Only a regular file: the name may have been swapped for a link since it was taken.
  const auto st = stat_at(node_dir, taken);
  const std::uint64_t size =
      st && S_ISREG(st->st_mode) ? static_cast<std::uint64_t>(st->st_size) : 0;
  r.core_size = size;
  if (!st || !S_ISREG(st->st_mode) || size > max_bytes) {
    (void)remove_at(node_dir, taken);
    r.core_note =
        !st || !S_ISREG(st->st_mode)
            ? "core file not kept: " + quoted(node_dir.path_of(taken)) + " is not a regular file"
            : "core file of " + size_text(size) + " not kept: " +
                  (max_bytes == 0 ? std::string("CrashCoreMaxSize is 0")
                                  : "larger than CrashCoreMaxSize (" + size_text(max_bytes) + ")");
    return;
  }
  const std::string kept = record.path_of("core");
  int err = 0;
  Status moved = rename_at(node_dir, taken, record, "core", &err);
  if (moved.is_ok()) {
    r.core_path = kept;
    return;
  }
  // TmpDir on another file system than SpoolDir: copy, then free the node's dir.
  if (err == EXDEV) moved = copy_file_prefix(node_dir, taken, record, "core", size, 0600);
  if (moved.is_ok()) {
    (void)remove_at(node_dir, taken);
    r.core_path = kept;
  } else {
    // Left where it is, under a name the node's next run does not overwrite.
    r.core_path = node_dir.path_of(taken);
    r.core_note = "core file not moved into the record: " + moved.message();
  }
}

std::string missing_core_note(const CorePattern& pattern, bool core_dumped,
                              const std::string& node_dir) {
  using Where = CorePattern::Where;
  const std::string where = "kernel.core_pattern is '" + pattern.text + "'";
  if (pattern.where == Where::kPipe) {
    return "no core file here: " + where +
           ", so the kernel handed the core to that program (systemd-coredump: "
           "`coredumpctl list`; apport: /var/crash)";
  }
  if (pattern.where == Where::kElsewhere) {
    return "no core file here: " + where + ", so the core was written there, not to " + node_dir;
  }
  if (core_dumped) return "the process dumped core, but no core file was found in " + node_dir;
  return "no core file: the node's core size limit (ulimit -c) is 0, or the kernel could not "
         "write one to " +
         node_dir;
}

bool is_core_signal(int signal) {
  switch (signal) {
    case SIGQUIT:
    case SIGILL:
    case SIGTRAP:
    case SIGABRT:
    case SIGBUS:
    case SIGFPE:
    case SIGSEGV:
    case SIGSYS:
    case SIGXCPU:
    case SIGXFSZ:
      return true;
    default:
      return false;
  }
}

}  // namespace bc::sup
