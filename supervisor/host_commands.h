#pragma once
// Supervisor commands about the host rather than a node's lifecycle: df, exec, diag,
// crashes, cleanup, capstats. Same contract as supervisor_commands.h.

#include "messages/request.h"
#include "supervisor/supervisor.h"

namespace bc::sup {

void cmd_df(Supervisor& sup, const msg::Request& r, const Supervisor::Responder& respond);
void cmd_exec(Supervisor& sup, const msg::Request& r, const Supervisor::Responder& respond);
// Ends the work request `id` of the same connection started (its exec jobs); `cancelled`
// counts them (0: nothing of that request runs any more, or it never started any).
void cmd_cancel(Supervisor& sup, const msg::Request& r, const Supervisor::Responder& respond);
// diag_command.cc
void cmd_diag(Supervisor& sup, const msg::Request& r, const Supervisor::Responder& respond);
// The crash records that ended after `since` (us since the epoch), oldest first, at most
// kMaxCrashRecordsPerReply; `more` says there are later ones (ask again from the last).
void cmd_crashes(Supervisor& sup, const msg::Request& r, const Supervisor::Responder& respond);
// Held until a node of this host crashes (answered with that node_state event) or `hold`
// seconds pass (answered with none); crash_watchers.h.
void cmd_watch_crashes(Supervisor& sup, const msg::Request& r,
                       const Supervisor::Responder& respond);
void cmd_cleanup(Supervisor& sup, const msg::Request& r, const Supervisor::Responder& respond);
void cmd_capstats(Supervisor& sup, const msg::Request& r, const Supervisor::Responder& respond);

// Limits of `exec`: the command line, the run time and the output kept.
inline constexpr std::size_t kMaxCommandLine = 64 * 1024;
inline constexpr double kMaxExecSeconds = 3600;
inline constexpr std::size_t kMaxExecOutput = 1 << 20;
// Each record carries up to 32 KiB of log tails: 16 of them stay well inside a frame.
inline constexpr std::size_t kMaxCrashRecordsPerReply = 16;
// A watch's hold time: well inside the replay window, so a watcher's next ask is fresh.
inline constexpr double kDefaultWatchHold = 20;
inline constexpr double kMaxWatchHold = 30;

}  // namespace bc::sup
