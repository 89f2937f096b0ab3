#include "net/tcp_connect.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "common/os_error.h"
#include "common/strings.h"

namespace bc::net {

long remaining_ms(Deadline deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return left.count() < 0 ? 0 : static_cast<long>(left.count());
}

Result<bool> wait_for(int fd, short events, Deadline deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    const int rc = ::poll(&p, 1, static_cast<int>(remaining_ms(deadline)));
    if (rc > 0) return true;
    if (rc == 0) return false;
    if (errno != EINTR) return Status::io_error("poll: " + errno_text(errno));
  }
}

Result<int> tcp_connect(const std::string& address, int port, Deadline deadline) {
  sockaddr_storage sa{};
  socklen_t len = 0;
  if (auto* v4 = reinterpret_cast<sockaddr_in*>(&sa);
      ::inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<std::uint16_t>(port));
    len = sizeof *v4;
  } else if (auto* v6 = reinterpret_cast<sockaddr_in6*>(&sa);
             ::inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<std::uint16_t>(port));
    len = sizeof *v6;
  } else {
    return Status::invalid_argument("'" + printable(address) + "' is not a numeric address");
  }
  if (port <= 0 || port > 65535)
    return Status::invalid_argument("bad port " + std::to_string(port));
  const int fd = ::socket(sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::io_error("socket: " + errno_text(errno));
  const int on = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), len) == 0) return fd;
  if (errno != EINPROGRESS) {
    const int err = errno;
    ::close(fd);
    return Status::unreachable("connect: " + errno_text(err));
  }
  auto ready = wait_for(fd, POLLOUT, deadline);
  int err = 0;
  socklen_t err_len = sizeof err;
  if (ready.is_ok() && *ready) ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &err_len);
  if (!ready.is_ok() || !*ready || err != 0) {
    ::close(fd);
    if (!ready.is_ok()) return ready.status();
    if (!*ready) return Status::timeout("connect did not finish in time");
    return Status::unreachable("connect: " + errno_text(err));
  }
  return fd;
}

}  // namespace bc::net
