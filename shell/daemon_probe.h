#pragma once
// Whether a running daemon of this machine answers: the supervisor and the collector a
// `ping` request, the broker by delivering anything (its own heartbeat at least) to a
// subscriber within two heartbeat intervals. Each probe has a deadline (CommTimeout at
// most). Used by `daemons status`.

#include "common/status.h"
#include "shell/local_daemons.h"
#include "shell/shell_context.h"

namespace bc::shell {

// ok when `d` answered; the reason (unreachable, refused key, ...) otherwise.
Status probe_daemon(ShellContext& ctx, const LocalDaemon& d);

}  // namespace bc::shell
