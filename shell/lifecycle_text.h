#pragma once
// The shell's words for a start or stop as it goes (docs/PROTOCOL.md §3.4): a line per stage
// and per node on out(), printed as each comes, none with --json; a host that did not
// answer as an error, a plain bus as a warning, in both modes.

#include "shell/lifecycle_ops.h"
#include "shell/shell_context.h"

namespace bc::shell {

LifecycleProgress start_progress_text(ShellContext& ctx);
LifecycleProgress stop_progress_text(ShellContext& ctx);

}  // namespace bc::shell
