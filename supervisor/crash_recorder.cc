#include "supervisor/crash_recorder.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <ctime>
#include <sstream>

#include "common/file_util.h"
#include "messages/codec.h"
#include "supervisor/node_launcher.h"

namespace bc::sup {
namespace {

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

Result<DirFd> open_root(const std::string& tmp_dir, const std::string& node, CreateDirs create) {
  return open_dir_nofollow(tmp_dir, "crashes/" + node, create, 0750);
}

// Oldest first, so that pruning removes from the front. Names start with a UTC stamp. Only
// directories: a symlink among them is not a record.
std::vector<std::string> records_of(const DirFd& root) {
  std::vector<std::string> out;
  for (std::string& name : list_dir(root)) {
    if (const auto st = stat_at(root, name); st && S_ISDIR(st->st_mode)) {
      out.push_back(std::move(name));
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

void prune(const DirFd& root) {
  const auto records = records_of(root);
  for (std::size_t i = 0; i + kKeepPerNode < records.size(); ++i)
    (void)remove_at(root, records[i]);
}

Result<msg::CrashReport> read_record(const DirFd& root, const std::string& name) {
  auto record = open_dir_nofollow(root, name);
  if (!record.is_ok()) return record.status();
  auto bytes = read_file(*record, "report.bin", 32u << 20);
  if (!bytes.is_ok()) return bytes.status();
  return msg::decode<msg::CrashReport>(*bytes);
}

Status write_reports(const DirFd& record, const msg::CrashReport& report) {
  // Renamed into place but not fsync'ed: the record sits on the crash-repair path, and
  // the failure that would lose it (power) also loses the node it describes.
  if (Status s =
          write_file_atomic(record, "report.bin", msg::encode(report), 0640, Durability::kNoSync);
      !s.is_ok()) {
    return s;
  }
  return write_file_atomic(record, "report.txt", render_crash_report(report), 0640,
                           Durability::kNoSync);
}

std::string last_component(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

constexpr std::uint64_t kMaxCopy = 1u << 20;

// 0 when missing or not a regular file: the record then says the log was empty.
std::uint64_t file_size(const DirFd& dir, std::string_view name) {
  const auto st = stat_at(dir, name);
  return st && S_ISREG(st->st_mode) ? static_cast<std::uint64_t>(st->st_size) : 0;
}

// Takes the crash's core out of the node's dir at once (the collector may restart the node
// within milliseconds, and with core_pattern "core" its next crash writes the same file), or
// says in the report why there is none.
void take_core_of(const SupervisorOptions& options, const Node& node, pid_t pid,
                  CrashSnapshot& snap) {
  msg::CrashReport& r = snap.report;
  const bool core_signal = r.signal > 0 && is_core_signal(r.signal);
  const std::string core = snap.node_dir
                               ? find_core_file(*snap.node_dir, pid, node.stale_core_mtime_us,
                                                r.core_dumped, r.started_at)
                               : std::string();
  if (!core.empty()) {
    snap.core_taken = take_core(*snap.node_dir, core, pid);
    snap.core_max_bytes = options.crash_core_max_bytes;
  } else if (r.core_dumped || core_signal) {
    r.core_note = missing_core_note(read_core_pattern(options.core_pattern_file), r.core_dumped,
                                    snap.node_dir_path);
  }
}

}  // namespace

std::string crash_root(const SupervisorOptions& options, const std::string& node) {
  return options.tmp_dir + "/crashes/" + node;
}

Result<DirFd> open_crash_root(const SupervisorOptions& options, const std::string& node,
                              CreateDirs create) {
  return open_root(options.tmp_dir, node, create);
}

std::string unread_note(const Status& why) {
  return "[not read: " + why.message() + "]\n";
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
  snap.tmp_dir = options.tmp_dir;
  snap.node_dir_path = node_dir(options, node.spec);
  // Zeek's own account of the end (profile zeek): its .status line and its reporter.log.
  if (!node.zeek_status.empty()) r.status_line = node.zeek_status;
  if (auto dir = open_node_dir(options, node.spec); dir.is_ok()) {
    snap.node_dir = std::make_shared<const DirFd>(std::move(*dir));
    const DirFd& d = *snap.node_dir;
    snap.stdout_size = file_size(d, "stdout.log");
    snap.stderr_size = file_size(d, "stderr.log");
    if (const auto st = stat_at(d, "reporter.log"); st && S_ISREG(st->st_mode)) {
      snap.reporter_size = file_size(d, "reporter.log");
    }
    for (auto [name, into] :
         {std::pair{".cmdline", &snap.cmdline}, {".env_vars", &snap.env_vars}}) {
      if (auto bytes = read_file(d, name, kMaxCopy); bytes.is_ok()) *into = std::move(*bytes);
    }
  } else {
    snap.node_dir_error = dir.status();
  }
  take_core_of(options, node, pid, snap);
  r.record_dir = crash_root(options, node.spec.name) + "/" + utc_stamp(ended_at_us) + "-" +
                 std::to_string(pid);
  return snap;
}

Result<msg::CrashReport> write_crash_record(const CrashSnapshot& snap) {
  msg::CrashReport r = snap.report;
  if (snap.node_dir) {
    r.stdout_tail = tail_file(*snap.node_dir, "stdout.log", kTailBytes, snap.stdout_size);
    r.stderr_tail = tail_file(*snap.node_dir, "stderr.log", kTailBytes, snap.stderr_size);
    if (snap.reporter_size) {
      r.reporter_tail = tail_file(*snap.node_dir, "reporter.log", kTailBytes, *snap.reporter_size);
    }
  } else {
    r.stdout_tail = r.stderr_tail = unread_note(snap.node_dir_error);
  }
  auto root = open_root(snap.tmp_dir, r.node, CreateDirs::kYes);
  if (!root.is_ok()) return root.status();
  auto record = open_dir_nofollow(*root, last_component(r.record_dir), CreateDirs::kYes, 0750);
  if (!record.is_ok()) return record.status();
  if (!snap.core_taken.empty()) {
    keep_core(*snap.node_dir, snap.core_taken, *record, snap.core_max_bytes, r);
  }
  // Copies are diagnostics: one that fails is logged by nobody and costs the report nothing.
  if (snap.cmdline) (void)write_file_in_place(*record, ".cmdline", *snap.cmdline);
  if (snap.env_vars) (void)write_file_in_place(*record, ".env_vars", *snap.env_vars, 0600);
  // Whole logs are copied only when small; the tails are in the report anyway.
  for (auto [name, size] :
       {std::pair{"stdout.log", snap.stdout_size}, {"stderr.log", snap.stderr_size}}) {
    if (snap.node_dir && size <= kMaxCopy) {
      (void)copy_file_prefix(*snap.node_dir, name, *record, name, size, 0640);
    }
  }
  if (Status s = write_reports(*record, r); !s.is_ok()) return s;
  prune(*root);
  return r;
}

Result<msg::CrashReport> write_crash_record(const SupervisorOptions& options, const Node& node,
                                            pid_t pid, const std::optional<ExitInfo>& exit,
                                            std::int64_t ended_at_us) {
  return write_crash_record(snapshot_crash(options, node, pid, exit, ended_at_us));
}

Status update_crash_record(const SupervisorOptions& options, const msg::CrashReport& report) {
  auto root = open_crash_root(options, report.node);
  if (!root.is_ok()) return root.status();
  auto record = open_dir_nofollow(*root, last_component(report.record_dir));
  if (!record.is_ok()) return record.status();
  return write_reports(*record, report);
}

Result<msg::CrashReport> latest_crash_record(const SupervisorOptions& options,
                                             const std::string& node) {
  auto root = open_crash_root(options, node);
  if (!root.is_ok() && root.status().code() != ErrorCode::kNotFound) return root.status();
  const auto records = root.is_ok() ? records_of(*root) : std::vector<std::string>();
  if (records.empty()) return Status::not_found("no crash record for " + node);
  return read_record(*root, records.back());
}

std::vector<msg::CrashReport> crash_records_since(const SupervisorOptions& options,
                                                  const std::string& node, std::int64_t since_us) {
  std::vector<msg::CrashReport> out;
  auto root = open_crash_root(options, node);
  if (!root.is_ok()) return out;
  // Names start with the end time to the second, and sort as it does: the records of
  // earlier seconds are passed over without being read.
  const std::string first = utc_stamp(since_us);
  for (const std::string& name : records_of(*root)) {
    if (name.compare(0, first.size(), first) < 0) continue;
    auto report = read_record(*root, name);  // fails while being written, or when damaged
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
