#include "supervisor/zeek_status.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>

namespace bc::sup {

ZeekStatus parse_zeek_status(std::string_view text) {
  const std::size_t eol = text.find('\n');
  if (eol == std::string_view::npos) return {};
  const std::string_view line = text.substr(0, eol);
  const std::string_view word = line.substr(0, line.find(' '));
  ZeekStatus out;
  if (word == "INITIALIZING") out.state = ZeekState::kInitializing;
  if (word == "RUNNING") out.state = ZeekState::kRunning;
  if (word == "TERMINATING") out.state = ZeekState::kTerminating;
  if (word == "TERMINATED") out.state = ZeekState::kTerminated;
  if (out.state != ZeekState::kNone) out.line = std::string(line);
  return out;
}

ZeekStatus read_zeek_status(const DirFd& dir) {
  // O_NONBLOCK: should someone plant a FIFO there, the read returns at once.
  const int fd = ::openat(dir.get(), ".status", O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) return {};
  std::array<char, 256> buf{};
  const ssize_t n = ::read(fd, buf.data(), buf.size());
  ::close(fd);
  if (n <= 0) return {};
  return parse_zeek_status(std::string_view(buf.data(), static_cast<std::size_t>(n)));
}

}  // namespace bc::sup
