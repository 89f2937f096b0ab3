#pragma once
// Turns a configured node into a SpawnSpec — program, arguments, environment, working
// dir, log files, CPU pinning, memory limit — and leaves the files that `diag` and people
// read when a node misbehaves: .cmdline, .env_vars, .pid, .startup in the node's dir.
// The environment contract is docs/NODE-PROGRAM.md.

#include <string>
#include <vector>

#include "common/dir_fd.h"
#include "common/status.h"
#include "supervisor/spawner.h"
#include "supervisor/supervisor_options.h"
#include "supervisor/zeek_launch.h"

namespace bc::sup {

// The fd number on which a node program finds the write end of the readiness pipe.
inline constexpr int kNotifyFd = 3;

// The node's working directory: SpoolDir/<name>.
std::string node_dir(const SupervisorOptions& options, const config::NodeSpec& node);
// That directory opened from SpoolDir without following a symlink (dir_fd.h): the node
// runs as our user and may replace its dir with a link; every file of the node's dir the
// supervisor touches is reached through this.
Result<DirFd> open_node_dir(const SupervisorOptions& options, const config::NodeSpec& node,
                            CreateDirs create = CreateDirs::kNo);

// The whole environment of the node: a few variables passed through from ours (PATH,
// HOME, USER, LANG, LC_ALL, TZ), the CLUSTER_* contract, then the node's env_vars (which
// win over everything before them).
// Whether the node offers a control endpoint: a socket `.control` in its dir, seen without
// following a link in its place or in the dir's (ZeroMQ's ipc transport then connects by
// path: the check is what the supervisor can do about a node that plays games there).
bool has_control_endpoint(const SupervisorOptions& options, const config::NodeSpec& node);

std::vector<std::string> node_environment(const SupervisorOptions& options,
                                          const config::NodeSpec& node);

// The logs are named relative to the working dir, so that the spawner opens them in the
// dir it was given open (SpawnSpec::cwd_fd).
SpawnSpec make_spawn_spec(const SupervisorOptions& options, const config::NodeSpec& node);

// Profile zeek (docs/ZEEK.md): the same process setup (dir, logs, limits, pinning), with
// zeekctl's argv and environment for `zeek` (zeek_launch.h) instead of ours.
SpawnSpec make_zeek_spawn_spec(const SupervisorOptions& options, const config::NodeSpec& node,
                               const ZeekBinary& zeek);
// The program a zeek node runs as configured: its program=, else ZeekPath.
std::string zeek_program(const SupervisorOptions& options, const config::NodeSpec& node);

// .cmdline and .env_vars of a run in the node's `dir`, written right after its spawn (in
// the same loop turn, before its exit can be seen, so a node that dies at once can still
// be diagnosed).
Status write_start_files(const DirFd& dir, const SpawnSpec& spec);
// .pid and .startup (wall time, us since epoch) once the process exists.
Status write_started_files(const DirFd& dir, pid_t pid, std::int64_t started_at_us);

}  // namespace bc::sup
