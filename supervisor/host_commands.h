#pragma once
// Supervisor commands about the host rather than a node's lifecycle: df, exec, diag,
// cleanup, capstats. Same contract as supervisor_commands.h.

#include "messages/request.h"
#include "supervisor/supervisor.h"

namespace bc::sup {

void cmd_df(Supervisor& sup, const msg::Request& r, const Supervisor::Responder& respond);
void cmd_exec(Supervisor& sup, const msg::Request& r, const Supervisor::Responder& respond);
void cmd_diag(Supervisor& sup, const msg::Request& r, const Supervisor::Responder& respond);
void cmd_cleanup(Supervisor& sup, const msg::Request& r, const Supervisor::Responder& respond);
void cmd_capstats(Supervisor& sup, const msg::Request& r, const Supervisor::Responder& respond);

// Limits of `exec`: the command line, the run time and the output kept.
inline constexpr std::size_t kMaxCommandLine = 64 * 1024;
inline constexpr double kMaxExecSeconds = 3600;
inline constexpr std::size_t kMaxExecOutput = 1 << 20;

}  // namespace bc::sup
