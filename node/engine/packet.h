#pragma once
// PacketView: one captured packet as the capture layer hands it to the engine. The bytes
// belong to the PacketSource and are valid only during the callback that received them.

#include <cstdint>

namespace bc::node {

struct PacketView {
  std::int64_t ts_us = 0;  // capture time, microseconds since the epoch
  const std::uint8_t* data = nullptr;
  std::uint32_t caplen = 0;  // bytes present at data
  std::uint32_t len = 0;     // bytes on the wire (>= caplen)
};

}  // namespace bc::node
