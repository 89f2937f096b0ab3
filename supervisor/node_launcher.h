#pragma once
// Turns a configured node into a SpawnSpec — program, arguments, environment, working
// dir, log files, CPU pinning, memory limit — and leaves the files that `diag` and people
// read when a node misbehaves: .cmdline, .env_vars, .pid, .startup in the node's dir.
// The environment contract is docs/NODE-PROGRAM.md.

#include <string>
#include <vector>

#include "common/status.h"
#include "supervisor/spawner.h"
#include "supervisor/supervisor_options.h"
#include "supervisor/zeek_launch.h"

namespace bc::sup {

// The fd number on which a node program finds the write end of the readiness pipe.
inline constexpr int kNotifyFd = 3;

// The node's working directory: SpoolDir/<name>.
std::string node_dir(const SupervisorOptions& options, const config::NodeSpec& node);

// The whole environment of the node: a few variables passed through from ours (PATH,
// HOME, USER, LANG, LC_ALL, TZ), the CLUSTER_* contract, then the node's env_vars (which
// win over everything before them).
std::vector<std::string> node_environment(const SupervisorOptions& options,
                                          const config::NodeSpec& node);

SpawnSpec make_spawn_spec(const SupervisorOptions& options, const config::NodeSpec& node);

// Profile zeek (docs/ZEEK.md): the same process setup (dir, logs, limits, pinning), with
// zeekctl's argv and environment for `zeek` (zeek_launch.h) instead of ours.
SpawnSpec make_zeek_spawn_spec(const SupervisorOptions& options, const config::NodeSpec& node,
                               const ZeekBinary& zeek);
// The program a zeek node runs as configured: its program=, else ZeekPath.
std::string zeek_program(const SupervisorOptions& options, const config::NodeSpec& node);
// The environment variables passed through from the supervisor's own (PATH, HOME, ...).
std::vector<std::string> inherited_environment();

// .cmdline and .env_vars of a run, written right after its spawn (in the same loop turn,
// before its exit can be seen, so a node that dies at once can still be diagnosed).
Status write_start_files(const SpawnSpec& spec);
// .pid and .startup (wall time, us since epoch) once the process exists.
Status write_started_files(const std::string& dir, pid_t pid, std::int64_t started_at_us);

}  // namespace bc::sup
