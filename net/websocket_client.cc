#include "net/websocket_client.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "common/os_error.h"
#include "common/strings.h"
#include "net/tcp_connect.h"
#include "net/websocket_accept.h"

namespace bc::net {
namespace {

// The server's HTTP answer to the upgrade, headers included, is small; more is hostile.
constexpr std::size_t kMaxHandshakeBytes = 16 * 1024;

std::array<std::uint8_t, 4> random_mask() {
  std::array<std::uint8_t, 4> mask{};
  if (::getrandom(mask.data(), mask.size(), 0) != static_cast<ssize_t>(mask.size())) {
    // The mask protects intermediaries, not secrets; a fixed one still frames correctly.
    mask = {0x5a, 0xa5, 0x3c, 0xc3};
  }
  return mask;
}

std::string random_key() {
  std::array<char, 16> nonce{};
  if (::getrandom(nonce.data(), nonce.size(), 0) != static_cast<ssize_t>(nonce.size())) {
    const auto t = std::chrono::steady_clock::now().time_since_epoch().count();
    std::memcpy(nonce.data(), &t, sizeof t);
  }
  return ws::base64(std::string_view(nonce.data(), nonce.size()));
}

// The value of header `name` (case-insensitive) in the response head; empty if absent.
std::string header_value(std::string_view head, std::string_view name) {
  std::size_t at = 0;
  while (at < head.size()) {
    std::size_t eol = head.find('\n', at);
    if (eol == std::string_view::npos) eol = head.size();
    std::string_view line = head.substr(at, eol - at);
    at = eol + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || !iequals(trim(line.substr(0, colon)), name)) continue;
    return std::string(trim(line.substr(colon + 1)));
  }
  return {};
}

}  // namespace

WebSocketClient::~WebSocketClient() {
  drop();
}

WebSocketClient::WebSocketClient(WebSocketClient&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      options_(std::move(other.options_)),
      buffer_(std::move(other.buffer_)) {}

WebSocketClient& WebSocketClient::operator=(WebSocketClient&& other) noexcept {
  if (this != &other) {
    drop();
    fd_ = std::exchange(other.fd_, -1);
    options_ = std::move(other.options_);
    buffer_ = std::move(other.buffer_);
  }
  return *this;
}

void WebSocketClient::drop() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

std::string WebSocketClient::where() const {
  const bool v6 = options_.address.find(':') != std::string::npos;
  return "ws://" + (v6 ? "[" + options_.address + "]" : options_.address) + ":" +
         std::to_string(options_.port) + options_.path;
}

Result<WebSocketClient> WebSocketClient::connect(const Options& options, TimePoint deadline) {
  auto fd = tcp_connect(options.address, options.port, deadline);
  WebSocketClient client(-1, options);
  if (!fd.is_ok()) {
    return Status(fd.status().code(), client.where() + ": " + fd.status().message());
  }
  client.fd_ = *fd;
  if (Status s = client.handshake(deadline); !s.is_ok()) {
    return Status(s.code(), client.where() + ": " + s.message());
  }
  return client;
}

Status WebSocketClient::handshake(TimePoint deadline) {
  const std::string key = random_key();
  std::string request = "GET " + options_.path + " HTTP/1.1\r\n";
  const bool v6 = options_.address.find(':') != std::string::npos;
  request += "Host: " + (v6 ? "[" + options_.address + "]" : options_.address) + ":" +
             std::to_string(options_.port) + "\r\n";
  request += "Upgrade: websocket\r\nConnection: Upgrade\r\n";
  request += "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n";
  for (const auto& [name, value] : options_.headers)
    request += name + ": " + value + "\r\n";
  request += "\r\n";
  if (Status s = write_all(request, deadline); !s.is_ok()) return s;
  std::size_t end = std::string::npos;
  while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (buffer_.size() > kMaxHandshakeBytes) {
      return Status::bad_message("handshake answer over " + std::to_string(kMaxHandshakeBytes) +
                                 " bytes");
    }
    if (Status s = read_some(deadline); !s.is_ok()) return s;
  }
  const std::string head = buffer_.substr(0, end);
  buffer_.erase(0, end + 4);  // what follows is already frames
  const std::string status_line = head.substr(0, head.find("\r\n"));
  if (!status_line.starts_with("HTTP/1.1 101")) {
    return Status::bad_message("server refused the upgrade: '" + printable(status_line) + "'");
  }
  if (!iequals(header_value(head, "Upgrade"), "websocket")) {
    return Status::bad_message("answer without 'Upgrade: websocket'");
  }
  if (header_value(head, "Sec-WebSocket-Accept") != ws::accept_key(key)) {
    return Status::bad_message("wrong Sec-WebSocket-Accept in the server's answer");
  }
  return Status::ok();
}

Status WebSocketClient::write_all(std::string_view bytes, TimePoint deadline) {
  while (!bytes.empty()) {
    if (fd_ < 0) return Status::io_error("connection is closed");
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      const int err = errno;
      drop();
      return Status::io_error("send: " + errno_text(err));
    }
    auto ready = wait_for(fd_, POLLOUT, deadline);
    if (!ready.is_ok()) return ready.status();
    if (!*ready) return Status::timeout("send did not finish in time");
  }
  return Status::ok();
}

Status WebSocketClient::read_some(TimePoint deadline) {
  if (fd_ < 0) return Status::io_error("connection is closed");
  auto ready = wait_for(fd_, POLLIN, deadline);
  if (!ready.is_ok()) return ready.status();
  if (!*ready) return Status::timeout("no answer in time");
  char chunk[16 * 1024];
  const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
  if (n > 0) {
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return Status::ok();
  }
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return Status::ok();
  const int err = n < 0 ? errno : 0;
  drop();
  return Status::io_error(n == 0 ? "server closed the connection" : "recv: " + errno_text(err));
}

Status WebSocketClient::send_frame(ws::Opcode opcode, std::string_view payload,
                                   TimePoint deadline) {
  return write_all(ws::encode_frame(opcode, payload, true, random_mask()), deadline);
}

Status WebSocketClient::send_text(std::string_view text, TimePoint deadline) {
  if (Status s = send_frame(ws::Opcode::kText, text, deadline); !s.is_ok()) {
    return Status(s.code(), where() + ": " + s.message());
  }
  return Status::ok();
}

Result<ws::Frame> WebSocketClient::next_frame(TimePoint deadline) {
  for (;;) {
    ws::Decoded d = ws::decode_frame(buffer_, options_.max_message, ws::Side::kFromServer);
    if (d.kind == ws::Decoded::Kind::kError) {
      drop();
      return Status::bad_message(d.error);
    }
    if (d.kind == ws::Decoded::Kind::kFrame) {
      buffer_.erase(0, d.consumed);
      return std::move(d.frame);
    }
    if (Status s = read_some(deadline); !s.is_ok()) return s;
  }
}

Result<std::string> WebSocketClient::receive_text(TimePoint deadline) {
  std::string message;
  bool in_message = false;
  for (;;) {
    auto frame = next_frame(deadline);
    if (!frame.is_ok()) {
      return Status(frame.status().code(), where() + ": " + frame.status().message());
    }
    switch (frame->opcode) {
      case ws::Opcode::kPing:
        // §5.5.2: answer with the same payload, between any frames of a message.
        if (Status s = send_frame(ws::Opcode::kPong, frame->payload, deadline); !s.is_ok()) {
          return Status(s.code(), where() + ": " + s.message());
        }
        continue;
      case ws::Opcode::kPong:
        continue;
      case ws::Opcode::kClose: {
        const std::string why = ws::describe_close(frame->payload);
        (void)send_frame(ws::Opcode::kClose, frame->payload.substr(0, 2), deadline);
        drop();
        return Status::io_error(where() + ": server closed the connection, " + why);
      }
      case ws::Opcode::kBinary:
        drop();
        return Status::bad_message(where() + ": binary message where text was expected");
      case ws::Opcode::kText:
        if (in_message) {
          drop();
          return Status::bad_message(where() + ": new message inside a fragmented one");
        }
        in_message = true;
        message = std::move(frame->payload);
        break;
      case ws::Opcode::kContinuation:
        if (!in_message) {
          drop();
          return Status::bad_message(where() + ": continuation frame without a message");
        }
        if (message.size() + frame->payload.size() > options_.max_message) {
          drop();
          return Status::bad_message(where() + ": message over the limit of " +
                                     std::to_string(options_.max_message) + " bytes");
        }
        message += frame->payload;
        break;
    }
    if (frame->fin) return message;
  }
}

void WebSocketClient::close(TimePoint deadline) {
  if (fd_ < 0) return;
  (void)send_frame(ws::Opcode::kClose, ws::close_payload(1000, "done"), deadline);
  drop();
}

}  // namespace bc::net
