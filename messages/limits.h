#pragma once
// Wire limits of the BroCluster message protocol. Every decoder checks these before it
// allocates, so that a hostile or corrupt frame costs at most a bounded amount of memory
// (roughly 16 bytes of msgpack::object per input byte, within kMaxFrameBytes).
// Changing a limit is a protocol change: document it in docs/MESSAGES.md.

#include <cstddef>
#include <cstdint>

namespace bc::msg {

// The major protocol version carried in every body as `v`. Adding an optional field does
// not change it; changing the meaning or type of an existing field does.
inline constexpr int kProtocolVersion = 1;

// Largest body a decoder accepts. Configuration bundles above this are chunked.
inline constexpr std::size_t kMaxFrameBytes = 16u * 1024 * 1024;
// Nesting of arrays and maps, counting the message map itself as level 1.
inline constexpr std::size_t kMaxDepth = 32;
inline constexpr std::size_t kMaxArrayItems = 65536;
inline constexpr std::size_t kMaxMapEntries = 65536;
inline constexpr std::size_t kMaxStringBytes = kMaxFrameBytes;
inline constexpr std::size_t kMaxBinaryBytes = kMaxFrameBytes;
// A request's command name and its replay-guard nonce: fixed maxima, so that neither a log
// line naming the command nor the replay guard's memory can be grown by the sender.
inline constexpr std::size_t kMaxCommandBytes = 64;
inline constexpr std::size_t kMaxNonceBytes = 64;

}  // namespace bc::msg
