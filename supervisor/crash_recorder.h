#pragma once
// Crash records: when a node dies unexpectedly, everything needed to understand why is
// kept on disk under TmpDir/crashes/<node>/<time>-<pid>/ before anyone is told — exit
// status, resource usage, tails of stdout/stderr, the command line and environment, the
// core file (core_files.h; up to CrashCoreMaxSize) and (added when gdb finishes) a
// backtrace from it. `diag` reads it; the collector mails it. At most kKeepPerNode records
// are kept per node: older ones, and the cores in them, are deleted.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/dir_fd.h"
#include "common/status.h"
#include "messages/crash.h"
#include "supervisor/core_files.h"
#include "supervisor/node.h"
#include "supervisor/supervisor_options.h"

namespace bc::sup {

inline constexpr int kKeepPerNode = 20;
inline constexpr std::size_t kTailBytes = 16 * 1024;

// The directory holding `node`'s crash records: TmpDir/crashes/<node>.
std::string crash_root(const SupervisorOptions& options, const std::string& node);
// That directory opened from TmpDir without following a symlink in crashes/ or <node>/
// (dir_fd.h): the node runs as our user and could put one there.
Result<DirFd> open_crash_root(const SupervisorOptions& options, const std::string& node,
                              CreateDirs create = CreateDirs::kNo);

// What a record and `diag` say in place of a tail they did not read.
std::string unread_note(const Status& why);

// What a crash record needs from the moment of the crash, taken at once (a few stats and
// two small reads) so that the rest can be written later, off the crash-repair path, while
// a restarted node already appends to the same logs and rewrites its .cmdline/.env_vars.
struct CrashSnapshot {
  msg::CrashReport report;  // everything but the tails; record_dir set
  std::string tmp_dir;      // TmpDir, where the walk to record_dir starts
  // The node's dir, opened at the crash without following a symlink; null when that was
  // refused, and then `node_dir_error` says why and the record keeps none of its files.
  std::shared_ptr<const DirFd> node_dir;
  std::string node_dir_path;
  Status node_dir_error;
  std::uint64_t stdout_size = 0;  // the logs' lengths at the crash
  std::uint64_t stderr_size = 0;
  std::optional<std::uint64_t> reporter_size;  // Zeek's reporter.log, when there is one
  std::optional<std::string> cmdline;          // .cmdline and .env_vars as the crashed run had them
  std::optional<std::string> env_vars;
  // The crash's core file, already renamed out of the next run's way (take_core), for the
  // writer to move into the record; empty when there is none.
  std::string core_taken;
  std::uint64_t core_max_bytes = 0;  // CrashCoreMaxSize
};

// The snapshot for the process `pid` of a node that exited (`exit`) or vanished while we
// were away (no `exit`: status unknown). The envelope is left for the publisher.
CrashSnapshot snapshot_crash(const SupervisorOptions& options, const Node& node, pid_t pid,
                             const std::optional<ExitInfo>& exit, std::int64_t ended_at_us);

// Writes the record of a snapshot: tails and copies of the logs up to their length at the
// crash, the crashed run's .cmdline/.env_vars, the core, report.bin and report.txt; prunes
// old records.
// Thread-compatible: touches only the snapshot and the file system.
Result<msg::CrashReport> write_crash_record(const CrashSnapshot& snapshot);

// Both at once (tests, and wherever the delay does not matter).
Result<msg::CrashReport> write_crash_record(const SupervisorOptions& options, const Node& node,
                                            pid_t pid, const std::optional<ExitInfo>& exit,
                                            std::int64_t ended_at_us);

// Rewrites report.txt/report.bin of an existing record (after the backtrace arrived).
Status update_crash_record(const SupervisorOptions& options, const msg::CrashReport& report);

// The newest record of `node`, if any.
Result<msg::CrashReport> latest_crash_record(const SupervisorOptions& options,
                                             const std::string& node);

// The records of `node` that ended after `since_us` (us since the epoch), oldest first. The
// collector asks for them when it reconciles, to mail the crashes whose live report it
// missed. Unreadable records are skipped: `diag` and the files still show them.
std::vector<msg::CrashReport> crash_records_since(const SupervisorOptions& options,
                                                  const std::string& node, std::int64_t since_us);

// Human-readable crash report, the text of `diag` and of the crash mail.
std::string render_crash_report(const msg::CrashReport& report);

}  // namespace bc::sup
