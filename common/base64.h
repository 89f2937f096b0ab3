#pragma once
// RFC 4648 base64 with padding: binary values in JSON, RFC 2047 mail headers, the WebSocket
// handshake. Pure and without dependencies (its own library, bc_base64), so that the
// static test-only fake zeek can link it too.

#include <string>
#include <string_view>

namespace bc {

std::string base64(std::string_view bytes);

}  // namespace bc
