#pragma once
// The opening handshake's key check of RFC 6455 §4 (1.3, 4.2.2): Sec-WebSocket-Accept is
// base64(SHA-1(Sec-WebSocket-Key + the protocol's GUID)). SHA-1 is written
// here, small, because none of the libraries we link offers it (libsodium has none) and
// the fake zeek of the tests, a static binary, needs the same code. Pure, no I/O.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/base64.h"

namespace bc::net::ws {

// RFC 3174 SHA-1 of `data`: 20 raw bytes. Used only for the handshake, never for security.
std::array<std::uint8_t, 20> sha1(std::string_view data);
// RFC 4648 base64 with padding (common/base64.h).
using bc::base64;
// The Sec-WebSocket-Accept value a server answers to `client_key`.
std::string accept_key(std::string_view client_key);

}  // namespace bc::net::ws
