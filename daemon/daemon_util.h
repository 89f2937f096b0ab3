#pragma once
// What every BroCluster daemon does around its event loop: detach from the terminal
// unless run in the foreground (systemd), tell whoever started it when it is ready, hold
// a pid file with an exclusive lock so that two copies never run against one spool, and
// log through a named spdlog logger to a rotating file.

#include <memory>
#include <string>
#include <string_view>

#include <spdlog/logger.h>

#include "common/status.h"

namespace bc::daemon {

// Raises the soft RLIMIT_NOFILE to the hard one and logs both: every connection, even an
// idle one that never completes its handshake, costs a file descriptor, and a daemon out of
// descriptors can accept no admin either (the shipped systemd units set LimitNOFILE).
void raise_open_files_limit();

// Takes an flock on `path` and writes our pid into it. kBusy, naming the holder's pid,
// when another process holds it. The returned fd must stay open for the process' life.
Result<int> acquire_pid_file(const std::string& path);

// Detaches into the background: fork, setsid, fork, stdio to /dev/null. Returns only in
// the daemon, with the write end of a pipe; the original process waits (up to
// `deadline_ms`) for report_ready() and exits 0, or prints the daemon's error and exits 1.
// So `brocluster-supervisor` returns to its caller only once it is serving.
Result<int> detach(int deadline_ms = 10000);

// Reports readiness (empty error) or a start-up failure to the process that detached us,
// and to systemd when $NOTIFY_SOCKET is set (Type=notify). `fd` may be -1 (foreground).
void report_ready(int fd, std::string_view error = {});

// Creates the component's logger: rotating file `log_path` (5 x 10 MiB), plus stderr when
// in the foreground. With `debug_log` non-empty (the Debug option) the level drops to
// debug and everything also goes to that file (DebugLog), which all daemons of a host
// share. Registered as the default logger.
std::shared_ptr<spdlog::logger> setup_logging(const std::string& component,
                                              const std::string& log_path,
                                              const std::string& debug_log, bool foreground);

}  // namespace bc::daemon
