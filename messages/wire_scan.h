#pragma once
// Internal to bc_messages. A structural pre-check of a msgpack buffer that runs before
// msgpack::unpack: it walks the headers without allocating and rejects a buffer whose
// containers or strings claim more than the limits, or more items or bytes than the
// buffer still holds. Without it a 5-byte header claiming 65536 array items would make
// msgpack-c allocate the item table before noticing the buffer is short.

#include <string_view>

#include "common/status.h"

namespace bc::msg::detail {

// Ok when `bytes` is exactly one msgpack object within the limits of limits.h, with no
// ext types and nothing after it. kTooLarge for a limit, kBadMessage otherwise.
Status scan_msgpack(std::string_view bytes);

}  // namespace bc::msg::detail
