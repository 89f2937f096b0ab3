#pragma once
// Zeek's own account of its state: the one line it keeps in <node dir>/.status (`-U`):
// `INITIALIZING [main]`, `RUNNING [run_loop]`, `TERMINATING [sig_handler]`,
// `TERMINATED [atexit]`. Zeek rewrites the file in place (truncate, then write), so a read
// may find it empty or half written: that is no news, never an error.

#include <string>
#include <string_view>

#include "common/dir_fd.h"

namespace bc::sup {

enum class ZeekState { kNone, kInitializing, kRunning, kTerminating, kTerminated };

struct ZeekStatus {
  ZeekState state = ZeekState::kNone;  // kNone: empty, torn or unknown
  std::string line;                    // as read, without the newline ("" for kNone)
};

// The first word decides, as for zeekctl; a line without its newline is still being written.
ZeekStatus parse_zeek_status(std::string_view text);
// Reads at most one short line of `.status` in the node's `dir` (never through a link, never
// blocks on anything but a local file).
ZeekStatus read_zeek_status(const DirFd& dir);

}  // namespace bc::sup
