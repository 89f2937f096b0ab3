#include "net/websocket_frame.h"

namespace bc::net::ws {
namespace {

bool known_opcode(std::uint8_t op) {
  return op <= 0x2 || (op >= 0x8 && op <= 0xA);
}

}  // namespace

std::string encode_frame(Opcode opcode, std::string_view payload, bool fin,
                         const std::optional<std::array<std::uint8_t, 4>>& mask) {
  std::string out;
  out += static_cast<char>((fin ? 0x80 : 0x00) | static_cast<std::uint8_t>(opcode));
  const std::uint8_t mask_bit = mask ? 0x80 : 0x00;
  const std::uint64_t n = payload.size();
  if (n < 126) {
    out += static_cast<char>(mask_bit | n);
  } else if (n <= 0xFFFF) {
    out += static_cast<char>(mask_bit | 126);
    out += static_cast<char>(n >> 8);
    out += static_cast<char>(n & 0xFF);
  } else {
    out += static_cast<char>(mask_bit | 127);
    for (int i = 7; i >= 0; --i)
      out += static_cast<char>((n >> (8 * i)) & 0xFF);
  }
  if (!mask) return out.append(payload);
  for (std::uint8_t b : *mask)
    out += static_cast<char>(b);
  for (std::size_t i = 0; i < payload.size(); ++i)
    out += static_cast<char>(static_cast<std::uint8_t>(payload[i]) ^ (*mask)[i % 4]);
  return out;
}

Decoded decode_frame(std::string_view buffer, std::size_t max_payload, Side from) {
  Decoded d;
  auto fail = [&d](std::string why) {
    d.kind = Decoded::Kind::kError;
    d.error = std::move(why);
    return d;
  };
  if (buffer.size() < 2) return d;
  const auto b0 = static_cast<std::uint8_t>(buffer[0]);
  const auto b1 = static_cast<std::uint8_t>(buffer[1]);
  // No extension was negotiated, so the reserved bits must be clear (§5.2).
  if ((b0 & 0x70) != 0) return fail("frame with reserved bits set");
  const std::uint8_t op = b0 & 0x0F;
  if (!known_opcode(op)) return fail("frame with unknown opcode " + std::to_string(op));
  const bool fin = (b0 & 0x80) != 0;
  const bool masked = (b1 & 0x80) != 0;
  // §5.1: a client masks every frame, a server none.
  if (from == Side::kFromServer && masked) return fail("masked frame from the server");
  if (from == Side::kFromClient && !masked) return fail("unmasked frame from the client");
  std::uint64_t n = b1 & 0x7F;
  std::size_t at = 2;
  if (n == 126 || n == 127) {
    const std::size_t width = n == 126 ? 2 : 8;
    if (buffer.size() < at + width) return d;
    n = 0;
    for (std::size_t i = 0; i < width; ++i)
      n = n << 8 | static_cast<std::uint8_t>(buffer[at + i]);
    at += width;
    if (width == 8 && (n >> 63) != 0) return fail("frame length with the top bit set");
  }
  if (is_control(static_cast<Opcode>(op)) && (!fin || n > 125)) {
    return fail("fragmented or oversized control frame");
  }
  if (n > max_payload) {
    return fail("frame of " + std::to_string(n) + " bytes is over the limit of " +
                std::to_string(max_payload));
  }
  std::array<std::uint8_t, 4> key{};
  if (masked) {
    if (buffer.size() < at + 4) return d;
    for (std::size_t i = 0; i < 4; ++i)
      key[i] = static_cast<std::uint8_t>(buffer[at + i]);
    at += 4;
  }
  if (buffer.size() - at < n) return d;
  d.frame.fin = fin;
  d.frame.opcode = static_cast<Opcode>(op);
  d.frame.payload.assign(buffer.substr(at, n));
  if (masked) {
    for (std::size_t i = 0; i < d.frame.payload.size(); ++i)
      d.frame.payload[i] =
          static_cast<char>(static_cast<std::uint8_t>(d.frame.payload[i]) ^ key[i % 4]);
  }
  d.kind = Decoded::Kind::kFrame;
  d.consumed = at + n;
  return d;
}

std::string close_payload(std::uint16_t code, std::string_view reason) {
  std::string out;
  out += static_cast<char>(code >> 8);
  out += static_cast<char>(code & 0xFF);
  return out.append(reason.substr(0, 123));
}

std::string describe_close(std::string_view payload) {
  if (payload.size() < 2) return "no status code";
  const int code =
      static_cast<std::uint8_t>(payload[0]) << 8 | static_cast<std::uint8_t>(payload[1]);
  std::string text = "code " + std::to_string(code);
  if (payload.size() > 2) {
    std::string reason;
    for (char c : payload.substr(2))
      reason += (c >= 0x20 && c < 0x7F) ? c : '?';
    text += " (" + reason + ")";
  }
  return text;
}

}  // namespace bc::net::ws
