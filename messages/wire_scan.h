#pragma once
// Internal to bc_messages. A structural pre-check of a msgpack buffer that runs before
// msgpack::unpack: it walks the headers without allocating and rejects a buffer whose
// containers or strings claim more than the limits, or more items or bytes than the
// buffer still holds. Without it a 5-byte header claiming 65536 array items would make
// msgpack-c allocate the item table before noticing the buffer is short.

#include <span>
#include <string_view>

#include "common/status.h"

namespace bc::msg::detail {

// Ok when `bytes` is exactly one msgpack object within the limits of limits.h, with no
// ext types and nothing after it. kTooLarge for a limit, kBadMessage otherwise.
Status scan_msgpack(std::string_view bytes);

// scan_msgpack, and the string values of the top-level map's `keys` into `values` (views
// into `bytes`; left as they were for a key that is absent or not a string). kBadMessage
// also for a key given twice, a key that is not a string, or a root that is not a map.
// REQUIRES: at most 8 keys.
Status scan_top_strings(std::string_view bytes, std::span<const std::string_view> keys,
                        std::span<std::string_view> values);

}  // namespace bc::msg::detail
