#pragma once
// RFC 6455 §5 framing, both directions, pure: encode one frame; decode one frame from the
// front of a byte buffer, refusing what a peer must not send (reserved bits, unknown
// opcodes, control frames that are fragmented or over 125 bytes, a mask from a server or
// none from a client, a payload over the caller's cap) before reading any payload. Used by
// the WebSocket client and by the fake zeek's endpoint in the tests.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bc::net::ws {

enum class Opcode : std::uint8_t {
  kContinuation = 0x0,
  kText = 0x1,
  kBinary = 0x2,
  kClose = 0x8,
  kPing = 0x9,
  kPong = 0xA,
};

inline bool is_control(Opcode op) {
  return (static_cast<std::uint8_t>(op) & 0x8) != 0;
}

struct Frame {
  bool fin = true;
  Opcode opcode = Opcode::kText;
  std::string payload;  // unmasked
};

// The frame's bytes; with `mask` (a client's frame) the payload is masked with it.
std::string encode_frame(Opcode opcode, std::string_view payload, bool fin,
                         const std::optional<std::array<std::uint8_t, 4>>& mask);

struct Decoded {
  enum class Kind { kNeedMore, kFrame, kError };
  Kind kind = Kind::kNeedMore;
  Frame frame;               // kFrame
  std::size_t consumed = 0;  // kFrame: bytes of `buffer` the frame took
  std::string error;         // kError: what was wrong, for the message to the user
};

enum class Side { kFromServer, kFromClient };

// The first frame of `buffer`. kNeedMore until the whole frame is there; kError for a
// frame a peer on `from`'s side must not send, or a payload over `max_payload`.
Decoded decode_frame(std::string_view buffer, std::size_t max_payload, Side from);

// The payload of a close frame: status code (2 bytes, big-endian) and reason.
std::string close_payload(std::uint16_t code, std::string_view reason);
// "code 1000 (bye)" from a close frame's payload, for messages.
std::string describe_close(std::string_view payload);

}  // namespace bc::net::ws
