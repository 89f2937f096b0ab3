#pragma once
// A small RFC 6455 WebSocket client over plain TCP (ws://, no TLS), blocking, for one
// conversation on one thread: connect and handshake, send text messages (masked, as a
// client must), receive text messages (fragments joined, pings answered with pongs, pongs
// ignored, a close reported as an error). Every call takes a deadline and gives up at it;
// frames and messages are size-capped; anything a server must not send ends the
// conversation with an error saying what it was. Connects only to the numeric address it
// is given (no name lookup), which the caller takes from the configuration.
// Used by the supervisor's Zeek control channel (supervisor/zeek_control.h).

#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "net/websocket_frame.h"

namespace bc::net {

class WebSocketClient {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  struct Options {
    std::string address;  // numeric IPv4 or IPv6
    int port = 0;
    std::string path = "/";
    std::vector<std::pair<std::string, std::string>> headers;  // extra request headers
    std::size_t max_message = 1024 * 1024;                     // per message, after joining
  };

  WebSocketClient() = default;
  ~WebSocketClient();
  WebSocketClient(WebSocketClient&& other) noexcept;
  WebSocketClient& operator=(WebSocketClient&& other) noexcept;
  WebSocketClient(const WebSocketClient&) = delete;
  WebSocketClient& operator=(const WebSocketClient&) = delete;

  // TCP connect and the opening handshake (§4.1), checking Sec-WebSocket-Accept.
  static Result<WebSocketClient> connect(const Options& options, TimePoint deadline);

  Status send_text(std::string_view text, TimePoint deadline);
  // The next text message. Errors: timeout at the deadline, the server's close, a
  // malformed or oversized frame, a binary message.
  Result<std::string> receive_text(TimePoint deadline);
  // Sends a close frame (best effort, until the deadline) and closes the socket.
  void close(TimePoint deadline);

  bool is_open() const { return fd_ >= 0; }

 private:
  explicit WebSocketClient(int fd, Options options) : fd_(fd), options_(std::move(options)) {}
  Status handshake(TimePoint deadline);
  Status write_all(std::string_view bytes, TimePoint deadline);
  // Appends what the socket has to buffer_, waiting until the deadline for some.
  Status read_some(TimePoint deadline);
  Result<ws::Frame> next_frame(TimePoint deadline);
  Status send_frame(ws::Opcode opcode, std::string_view payload, TimePoint deadline);
  std::string where() const;
  void drop();

  int fd_ = -1;
  Options options_;
  std::string buffer_;  // bytes read and not yet consumed
};

}  // namespace bc::net
