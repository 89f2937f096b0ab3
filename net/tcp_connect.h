#pragma once
// A TCP connection to a numeric address (IPv4 or IPv6) with a deadline, and waiting on a
// socket with one: the WebSocket client's and the shell's probe of brocluster-web.

#include <poll.h>

#include <chrono>
#include <string>

#include "common/status.h"

namespace bc::net {

using Deadline = std::chrono::steady_clock::time_point;

// Milliseconds left until `deadline`, 0 when it has passed.
long remaining_ms(Deadline deadline);
// Waits until `fd` has `events` or the deadline passes; false at the deadline.
Result<bool> wait_for(int fd, short events, Deadline deadline);
// A non-blocking socket (TCP_NODELAY, close-on-exec) connected to `address`:`port` by
// `deadline`; the caller owns the fd. kInvalidArgument for a name or a bad port,
// kTimeout when the connect did not finish, kUnreachable when it was refused.
Result<int> tcp_connect(const std::string& address, int port, Deadline deadline);

}  // namespace bc::net
