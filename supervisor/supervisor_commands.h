#pragma once
// The supervisor's command set: an allowlisted table, one handler per command, each of
// which validates its arguments before it acts. Unknown commands and bad arguments get an
// error reply. See docs/PROTOCOL.md for every command's arguments and result.

#include "messages/request.h"
#include "supervisor/supervisor.h"

namespace bc::sup {

// Runs the command named in `request`; the reply goes through `respond`, now or later.
void handle_command(Supervisor& sup, const msg::Request& request,
                    const Supervisor::Responder& respond);

// Names of the commands, for docs and tests.
std::vector<std::string_view> supervisor_command_names();

}  // namespace bc::sup
