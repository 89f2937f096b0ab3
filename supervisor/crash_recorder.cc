#include "supervisor/crash_recorder.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <sstream>

#include "common/file_util.h"
#include "messages/codec.h"
#include "supervisor/node_launcher.h"

namespace bc::sup {
namespace {

namespace fs = std::filesystem;

std::string utc_stamp(std::int64_t us) {
  const std::time_t secs = static_cast<std::time_t>(us / 1'000'000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::string wall_text(std::int64_t us) {
  if (us <= 0) return "unknown";
  const std::time_t secs = static_cast<std::time_t>(us / 1'000'000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

// Oldest first, so that pruning removes from the front. Names start with a UTC stamp.
std::vector<fs::path> records_of(const std::string& root) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    if (entry.is_directory(ec)) out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

void prune(const std::string& root) {
  auto records = records_of(root);
  std::error_code ec;
  for (std::size_t i = 0; i + kKeepPerNode < records.size(); ++i)
    fs::remove_all(records[i], ec);
}

constexpr std::uint64_t kMaxCopy = 1u << 20;

// 0 when missing: the record then says the log was empty.
std::uint64_t file_size(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return 0;
  return static_cast<std::uint64_t>(st.st_size);
}

// Takes the crash's core out of the node's dir at once (the collector may restart the node
// within milliseconds, and with core_pattern "core" its next crash writes the same file), or
// says in the report why there is none.
void take_core_of(const SupervisorOptions& options, const Node& node, pid_t pid,
                  CrashSnapshot& snap) {
  msg::CrashReport& r = snap.report;
  const bool core_signal = r.signal > 0 && is_core_signal(r.signal);
  const std::string core =
      find_core_file(snap.node_dir, pid, node.stale_core_mtime_us, r.core_dumped, r.started_at);
  if (!core.empty()) {
    snap.core_taken = take_core(core, pid);
    snap.core_max_bytes = options.crash_core_max_bytes;
  } else if (r.core_dumped || core_signal) {
    r.core_note = missing_core_note(read_core_pattern(options.core_pattern_file), r.core_dumped,
                                    snap.node_dir);
  }
}

}  // namespace

std::string crash_root(const SupervisorOptions& options, const std::string& node) {
  return options.tmp_dir + "/crashes/" + node;
}

CrashSnapshot snapshot_crash(const SupervisorOptions& options, const Node& node, pid_t pid,
                             const std::optional<ExitInfo>& exit, std::int64_t ended_at_us) {
  CrashSnapshot snap;
  msg::CrashReport& r = snap.report;
  r.env.host = options.host;
  r.node = node.spec.name;
  r.node_type = std::string(node.type_name());
  r.pid = pid;
  r.started_at = node.started_at_us;
  r.ended_at = ended_at_us;
  if (exit) {
    r.exit_code = exit->exited ? exit->exit_code : -1;
    r.signal = exit->exited ? 0 : exit->signal;
    r.core_dumped = exit->core_dumped;
    r.utime_s = exit->utime_s;
    r.stime_s = exit->stime_s;
    r.maxrss_kb = static_cast<std::uint64_t>(std::max(exit->maxrss_kb, 0L));
  }
  snap.node_dir = node_dir(options, node.spec);
  snap.stdout_size = file_size(snap.node_dir + "/stdout.log");
  snap.stderr_size = file_size(snap.node_dir + "/stderr.log");
  // Zeek's own account of the end (profile zeek): its .status line and its reporter.log.
  if (!node.zeek_status.empty()) r.status_line = node.zeek_status;
  if (std::error_code ec; fs::is_regular_file(snap.node_dir + "/reporter.log", ec)) {
    snap.reporter_size = file_size(snap.node_dir + "/reporter.log");
  }
  for (auto [name, into] : {std::pair{".cmdline", &snap.cmdline}, {".env_vars", &snap.env_vars}}) {
    if (auto bytes = read_file(snap.node_dir + "/" + name, kMaxCopy, Follow::kNo); bytes.is_ok()) {
      *into = std::move(*bytes);
    }
  }
  take_core_of(options, node, pid, snap);
  r.record_dir = crash_root(options, node.spec.name) + "/" + utc_stamp(ended_at_us) + "-" +
                 std::to_string(pid);
  return snap;
}

Result<msg::CrashReport> write_crash_record(const CrashSnapshot& snap) {
  msg::CrashReport r = snap.report;
  const std::string& dir = snap.node_dir;
  r.stdout_tail = tail_file(dir + "/stdout.log", kTailBytes, snap.stdout_size);
  r.stderr_tail = tail_file(dir + "/stderr.log", kTailBytes, snap.stderr_size);
  if (snap.reporter_size) {
    r.reporter_tail = tail_file(dir + "/reporter.log", kTailBytes, *snap.reporter_size);
  }
  if (Status s = ensure_dir(r.record_dir, 0750); !s.is_ok()) return s;
  if (!snap.core_taken.empty()) keep_core(snap.core_taken, snap.core_max_bytes, r);
  // Copies are diagnostics: one that fails is logged by nobody and costs the report nothing.
  if (snap.cmdline) (void)write_file_in_place(r.record_dir + "/.cmdline", *snap.cmdline);
  if (snap.env_vars) (void)write_file_in_place(r.record_dir + "/.env_vars", *snap.env_vars, 0600);
  // Whole logs are copied only when small; the tails are in the report anyway.
  for (auto [name, size] :
       {std::pair{"stdout.log", snap.stdout_size}, {"stderr.log", snap.stderr_size}}) {
    if (size <= kMaxCopy) {
      (void)copy_file_prefix(dir + "/" + name, r.record_dir + "/" + name, size, 0640);
    }
  }
  if (Status s = update_crash_record(r); !s.is_ok()) return s;
  prune(fs::path(r.record_dir).parent_path().string());
  return r;
}

Result<msg::CrashReport> write_crash_record(const SupervisorOptions& options, const Node& node,
                                            pid_t pid, const std::optional<ExitInfo>& exit,
                                            std::int64_t ended_at_us) {
  return write_crash_record(snapshot_crash(options, node, pid, exit, ended_at_us));
}

Status update_crash_record(const msg::CrashReport& report) {
  // Renamed into place but not fsync'ed: the record sits on the crash-repair path, and
  // the failure that would lose it (power) also loses the node it describes.
  const std::string& dir = report.record_dir;
  if (Status s =
          write_file_atomic(dir + "/report.bin", msg::encode(report), 0640, Durability::kNoSync);
      !s.is_ok()) {
    return s;
  }
  return write_file_atomic(dir + "/report.txt", render_crash_report(report), 0640,
                           Durability::kNoSync);
}

Result<msg::CrashReport> latest_crash_record(const SupervisorOptions& options,
                                             const std::string& node) {
  const auto records = records_of(crash_root(options, node));
  if (records.empty()) return Status::not_found("no crash record for " + node);
  auto bytes = read_file((records.back() / "report.bin").string(), 32u << 20);
  if (!bytes.is_ok()) return bytes.status();
  return msg::decode<msg::CrashReport>(*bytes);
}

std::vector<msg::CrashReport> crash_records_since(const SupervisorOptions& options,
                                                  const std::string& node, std::int64_t since_us) {
  std::vector<msg::CrashReport> out;
  // Names start with the end time to the second, and sort as it does: the records of
  // earlier seconds are passed over without being read.
  const std::string first = utc_stamp(since_us);
  for (const fs::path& record : records_of(crash_root(options, node))) {
    if (record.filename().string().compare(0, first.size(), first) < 0) continue;
    auto bytes = read_file((record / "report.bin").string(), 32u << 20);
    if (!bytes.is_ok()) continue;  // still being written, or damaged
    auto report = msg::decode<msg::CrashReport>(*bytes);
    if (report.is_ok() && report->ended_at > since_us) out.push_back(std::move(*report));
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.ended_at < b.ended_at; });
  return out;
}

std::string render_crash_report(const msg::CrashReport& r) {
  std::ostringstream out;
  out << "Node:       " << r.node << " (" << r.node_type << ")\n"
      << "Host:       " << (r.env.host.empty() ? "-" : r.env.host) << "\n"
      << "Pid:        " << r.pid << "\n";
  if (r.exit_code >= 0) {
    out << "Exit:       exit code " << r.exit_code << "\n";
  } else if (r.signal > 0) {
    out << "Exit:       signal " << r.signal << " (" << strsignal(r.signal) << ")"
        << (r.core_dumped ? ", core dumped" : "") << "\n";
  } else {
    // No wait status: the process was not our child (it ended while the supervisor was
    // down, or after a restarted supervisor re-adopted it). Say so in the words the status
    // reason and docs/NODE-PROGRAM.md use.
    out << "Exit:       unknown (it ended while the supervisor was down, or after it was "
           "re-adopted: exit status unknown)\n";
  }
  out << "Started:    " << wall_text(r.started_at) << "\n"
      << "Ended:      " << wall_text(r.ended_at) << "\n"
      << "CPU:        user " << r.utime_s << " s, system " << r.stime_s << " s\n"
      << "Max RSS:    " << r.maxrss_kb << " KiB\n"
      << "Record:     " << r.record_dir << "\n";
  if (r.core_path) {
    out << "Core:       " << *r.core_path;
    if (r.core_size) out << " (" << *r.core_size << " bytes)";
    out << "\n";
  }
  if (r.core_note) out << "Core note:  " << *r.core_note << "\n";
  if (r.status_line) out << ".status:    " << *r.status_line << "\n";
  out << "\n==== stdout (tail)\n" << r.stdout_tail << "\n==== stderr (tail)\n" << r.stderr_tail;
  if (r.reporter_tail) out << "\n==== reporter.log (tail)\n" << *r.reporter_tail;
  if (r.backtrace) out << "\n==== backtrace\n" << *r.backtrace;
  out << "\n";
  return out.str();
}

}  // namespace bc::sup
