#include "tests/support/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <sstream>

namespace bc::test {
namespace {

using Steady = std::chrono::steady_clock;

int remaining_ms(Steady::time_point deadline) {
  const auto left = std::chrono::duration_cast<Millis>(deadline - Steady::now()).count();
  return static_cast<int>(std::max<long>(0, left));
}

UniqueFd connect_to(int port, Millis timeout) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 &&
      errno != EINPROGRESS) {
    return UniqueFd(-1);
  }
  pollfd p{fd.get(), POLLOUT, 0};
  int err = 0;
  socklen_t len = sizeof err;
  if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1 ||
      getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
    return UniqueFd(-1);
  }
  return fd;
}

bool send_all(int fd, const std::string& data) {
  std::size_t at = 0;
  while (at < data.size()) {
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, 2000) != 1) return false;
    const ssize_t n = ::send(fd, data.data() + at, data.size() - at, MSG_NOSIGNAL);
    if (n <= 0) return false;
    at += static_cast<std::size_t>(n);
  }
  return true;
}

std::string request(int port, const std::string& path, const std::string& headers) {
  return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\n" + headers +
         "\r\n";
}

// Splits "HTTP/1.1 200 OK\r\nA: b\r\n" into status and headers.
void parse_head(const std::string& head, HttpAnswer& answer) {
  std::istringstream in(head);
  std::string line;
  std::getline(in, line);
  if (line.size() > 12) answer.status = std::atoi(line.substr(9, 3).c_str());
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    answer.headers[name] = value;
  }
}

}  // namespace

std::optional<HttpAnswer> http_get(int port, const std::string& path, const std::string& headers,
                                   Millis timeout) {
  const auto deadline = Steady::now() + timeout;
  UniqueFd fd = connect_to(port, timeout);
  if (fd.get() < 0 || !send_all(fd.get(), request(port, path, headers))) return std::nullopt;
  std::string all;
  if (!wait_closed(fd.get(), Millis(remaining_ms(deadline)), &all)) return std::nullopt;
  const auto end = all.find("\r\n\r\n");
  if (end == std::string::npos) return std::nullopt;
  HttpAnswer answer;
  parse_head(all.substr(0, end + 2), answer);
  answer.body = all.substr(end + 4);
  return answer;
}

UniqueFd open_idle_connection(int port) {
  return connect_to(port, Millis(2000));
}

bool wait_closed(int fd, Millis timeout, std::string* received) {
  const auto deadline = Steady::now() + timeout;
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, remaining_ms(deadline)) != 1) return false;
    char buf[65536];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return true;
    if (received != nullptr) received->append(buf, static_cast<std::size_t>(n));
  }
}

SseStream::SseStream(int port, const std::string& path, const std::string& headers, Millis timeout)
    : fd_(connect_to(port, timeout)) {
  if (fd_.get() < 0 || !send_all(fd_.get(), request(port, path, headers))) return;
  const auto deadline = Steady::now() + timeout;
  while (buf_.find("\r\n\r\n") == std::string::npos) {
    if (!fill(Millis(remaining_ms(deadline)))) return;
  }
  const auto end = buf_.find("\r\n\r\n");
  HttpAnswer head;
  parse_head(buf_.substr(0, end + 2), head);
  buf_.erase(0, end + 4);
  ok_ = head.status == 200;
}

bool SseStream::fill(Millis timeout) {
  pollfd p{fd_.get(), POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1) return false;
  char buf[65536];
  const ssize_t n = ::recv(fd_.get(), buf, sizeof buf, 0);
  if (n <= 0) return false;
  buf_.append(buf, static_cast<std::size_t>(n));
  return true;
}

std::optional<SseEvent> SseStream::next(Millis timeout) {
  const auto deadline = Steady::now() + timeout;
  for (;;) {
    for (auto end = buf_.find("\n\n"); end != std::string::npos; end = buf_.find("\n\n")) {
      const std::string block = buf_.substr(0, end);
      buf_.erase(0, end + 2);
      SseEvent e;
      e.type = "message";
      bool any = false;
      std::istringstream in(block);
      std::string line;
      while (std::getline(in, line)) {
        const auto colon = line.find(": ");
        if (line.starts_with(":") || colon == std::string::npos) continue;
        const std::string field = line.substr(0, colon), value = line.substr(colon + 2);
        if (field == "id") e.id = value, any = true;
        if (field == "event") e.type = value, any = true;
        if (field == "data") e.data += value, any = true;
      }
      if (any && !e.data.empty()) return e;
    }
    if (!fill(Millis(remaining_ms(deadline)))) return std::nullopt;
  }
}

std::optional<double> metric_value(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() > series.size() && line.starts_with(series) && line[series.size()] == ' ')
      return std::strtod(line.c_str() + series.size() + 1, nullptr);
  }
  return std::nullopt;
}

}  // namespace bc::test
