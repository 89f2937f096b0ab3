#pragma once
// Supervisor commands that reach into a running node: node_control (the node control
// protocol, proxied; node_control.h) and backtrace (gdb attached to the live process).
// Same contract as supervisor_commands.h; documented in docs/PROTOCOL.md.

#include "messages/request.h"
#include "supervisor/supervisor.h"

namespace bc::sup {

void cmd_node_control(Supervisor& sup, const msg::Request& r, const Supervisor::Responder& respond);
void cmd_backtrace(Supervisor& sup, const msg::Request& r, const Supervisor::Responder& respond);

// Bounds of node_control's timeout_ms (its default is CommTimeout, clamped to these).
inline constexpr long kMinControlTimeoutMs = 100;
inline constexpr long kMaxControlTimeoutMs = 60000;

}  // namespace bc::sup
