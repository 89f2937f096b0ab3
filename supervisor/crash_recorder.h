#pragma once
// Crash records: when a node dies unexpectedly, everything needed to understand why is
// kept on disk under TmpDir/crashes/<node>/<time>-<pid>/ before anyone is told — exit
// status, resource usage, tails of stdout/stderr, the command line and environment, and
// (added when gdb finishes) a backtrace from the core file. `diag` reads it; the
// collector mails it. At most kKeepPerNode records are kept per node.

#include <cstdint>
#include <optional>
#include <string>

#include "common/status.h"
#include "messages/crash.h"
#include "supervisor/node.h"
#include "supervisor/supervisor_options.h"

namespace bc::sup {

inline constexpr int kKeepPerNode = 20;
inline constexpr std::size_t kTailBytes = 16 * 1024;

// The directory holding `node`'s crash records.
std::string crash_root(const SupervisorOptions& options, const std::string& node);

// Builds the report for the process `pid` of a node that exited (`exit`) or vanished while
// we were away (no `exit`: status unknown), and writes it. Fills record_dir. The envelope is left
// for the publisher.
Result<msg::CrashReport> write_crash_record(const SupervisorOptions& options, const Node& node,
                                            pid_t pid, const std::optional<ExitInfo>& exit,
                                            std::int64_t ended_at_us);

// Rewrites report.txt/report.bin of an existing record (after the backtrace arrived).
Status update_crash_record(const msg::CrashReport& report);

// The newest record of `node`, if any.
Result<msg::CrashReport> latest_crash_record(const SupervisorOptions& options,
                                             const std::string& node);

// Last modification time of `path` in us since the epoch; 0 when there is no such file.
std::int64_t file_mtime_us(const std::string& path);

// The core file a process left in its working dir ("core", "core.<pid>"), or empty. A
// file not modified since `stale_mtime_us` (the mtime it had before the process started,
// see Node::stale_core_mtime_us) is an earlier crash's core and is ignored; 0: none was.
std::string find_core_file(const std::string& dir, pid_t pid, std::int64_t stale_mtime_us = 0);

// Human-readable crash report, the text of `diag` and of the crash mail.
std::string render_crash_report(const msg::CrashReport& report);

}  // namespace bc::sup
