#pragma once
// gdb in batch mode, the backtrace of every thread: of a crashed node's core file (for its
// crash record, at the crash and again by `diag` when the record has none) and of a live
// node (`backtrace`, for attachgdb). The one place that finds gdb and builds its command
// line; the jobs run on the supervisor's JobRunner, with a deadline.

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <string>

#include "supervisor/job_runner.h"

namespace bc::sup {

// gdb on a process with many threads, or on a large core, takes seconds.
inline constexpr std::chrono::seconds kBacktraceTimeout{30};
inline constexpr std::size_t kBacktraceOutput = 256 * 1024;      // kept in a crash record
inline constexpr std::size_t kProcessBacktraceOutput = 1 << 20;  // one reply

// The gdb executable (/usr/bin/gdb, /usr/local/bin/gdb, /bin/gdb), or empty.
std::string find_gdb();

// `gdb -batch -nx -ex "thread apply all bt" <program> <core>`, run in `cwd`.
JobSpec core_backtrace_job(const std::string& gdb, const std::string& program,
                           const std::string& core, const std::string& cwd);
// `gdb -batch -nx -p <pid> -ex "thread apply all bt"`.
JobSpec process_backtrace_job(const std::string& gdb, pid_t pid);

// The backtrace a finished job gives: gdb's output, after a line saying so when gdb ran
// into its deadline.
std::string backtrace_text(const JobResult& result);

}  // namespace bc::sup
