#pragma once
// install_begin, install_chunk, install_commit: the receiving end of `install` (wire shapes
// in install/wire.h). After a commit the supervisor takes its node definitions from the
// new snapshot; running nodes keep what they started with until restart or update.

#include "messages/request.h"
#include "supervisor/supervisor.h"

namespace bc::sup {

void cmd_install_begin(Supervisor& sup, const msg::Request& r,
                       const Supervisor::Responder& respond);
void cmd_install_chunk(Supervisor& sup, const msg::Request& r,
                       const Supervisor::Responder& respond);
void cmd_install_commit(Supervisor& sup, const msg::Request& r,
                        const Supervisor::Responder& respond);

}  // namespace bc::sup
