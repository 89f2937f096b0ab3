#include "messages/wire_scan.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "messages/limits.h"

namespace bc::msg::detail {
namespace {

// One header: how many bytes it occupies, how many payload bytes follow it (str/bin),
// and how many child items it opens (array: n, map: 2n).
struct Header {
  std::size_t header_bytes = 1;
  std::uint64_t payload_bytes = 0;
  std::uint64_t children = 0;
  enum class What { kScalar, kString, kBinary, kArray, kMap, kExt, kInvalid } what = What::kScalar;
};

std::uint64_t read_be(const unsigned char* p, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    v = (v << 8) | p[i];
  }
  return v;
}

// Size of the length field after the type byte for the variable-length types.
std::size_t length_width(unsigned char b) {
  switch (b) {
    case 0xc4:
    case 0xc7:
    case 0xd9:
      return 1;
    case 0xc5:
    case 0xc8:
    case 0xda:
    case 0xdc:
    case 0xde:
      return 2;
    case 0xc6:
    case 0xc9:
    case 0xdb:
    case 0xdd:
    case 0xdf:
      return 4;
    default:
      return 0;
  }
}

Header::What variable_kind(unsigned char b) {
  switch (b) {
    case 0xc4:
    case 0xc5:
    case 0xc6:
      return Header::What::kBinary;
    case 0xc7:
    case 0xc8:
    case 0xc9:
      return Header::What::kExt;
    case 0xd9:
    case 0xda:
    case 0xdb:
      return Header::What::kString;
    case 0xdc:
    case 0xdd:
      return Header::What::kArray;
    default:
      return Header::What::kMap;
  }
}

std::size_t fixed_scalar_bytes(unsigned char b) {
  switch (b) {
    case 0xc0:
    case 0xc2:
    case 0xc3:
      return 1;
    case 0xca:
      return 5;
    case 0xcb:
      return 9;
    case 0xcc:
    case 0xd0:
      return 2;
    case 0xcd:
    case 0xd1:
      return 3;
    case 0xce:
    case 0xd2:
      return 5;
    case 0xcf:
    case 0xd3:
      return 9;
    default:
      return 0;
  }
}

// Decodes the header at p (n bytes available, n >= 1). header_bytes == 0 means truncated.
Header read_header(const unsigned char* p, std::size_t n) {
  const unsigned char b = p[0];
  Header h;
  if (b <= 0x7f || b >= 0xe0) return h;
  if (b <= 0x8f) return {1, 0, 2u * (b & 0x0fu), Header::What::kMap};
  if (b <= 0x9f) return {1, 0, b & 0x0fu, Header::What::kArray};
  if (b <= 0xbf) return {1, b & 0x1fu, 0, Header::What::kString};
  if (b >= 0xd4 && b <= 0xd8) return {1, 0, 0, Header::What::kExt};
  if (std::size_t fixed = fixed_scalar_bytes(b); fixed != 0) {
    h.header_bytes = fixed <= n ? fixed : 0;
    return h;
  }
  const std::size_t width = length_width(b);
  if (width == 0) return {1, 0, 0, Header::What::kInvalid};  // 0xc1
  if (1 + width > n) return {0, 0, 0, Header::What::kScalar};
  const std::uint64_t len = read_be(p + 1, width);
  h.header_bytes = 1 + width;
  h.what = variable_kind(b);
  if (h.what == Header::What::kArray) h.children = len;
  if (h.what == Header::What::kMap) h.children = 2 * len;
  if (h.what == Header::What::kString || h.what == Header::What::kBinary) h.payload_bytes = len;
  return h;
}

Status too_large(const char* what, std::uint64_t claimed, std::size_t limit) {
  return Status(ErrorCode::kTooLarge, std::string(what) + " claims " + std::to_string(claimed) +
                                          ", limit " + std::to_string(limit));
}

Status truncated() {
  return Status::bad_message("truncated msgpack");
}

// Limits and the remaining-bytes check of one header; `remaining` excludes the header.
Status check_header(const Header& h, std::uint64_t remaining, std::size_t depth) {
  using What = Header::What;
  switch (h.what) {
    case What::kInvalid:
      return Status::bad_message("invalid msgpack type byte 0xc1");
    case What::kExt:
      return Status::bad_message("msgpack ext types are not used");
    case What::kString:
      if (h.payload_bytes > kMaxStringBytes)
        return too_large("string", h.payload_bytes, kMaxStringBytes);
      break;
    case What::kBinary:
      if (h.payload_bytes > kMaxBinaryBytes)
        return too_large("binary", h.payload_bytes, kMaxBinaryBytes);
      break;
    case What::kArray:
      if (h.children > kMaxArrayItems) return too_large("array", h.children, kMaxArrayItems);
      break;
    case What::kMap:
      if (h.children / 2 > kMaxMapEntries) return too_large("map", h.children / 2, kMaxMapEntries);
      break;
    case What::kScalar:
      break;
  }
  const bool container = h.what == What::kArray || h.what == What::kMap;
  if (container && depth + 1 > kMaxDepth) {
    return Status(ErrorCode::kTooLarge, "nesting deeper than " + std::to_string(kMaxDepth));
  }
  // Every child takes at least one byte, so a claim above the rest of the buffer is a lie.
  if (h.payload_bytes > remaining || h.children > remaining) return truncated();
  return Status::ok();
}

// Walks one msgpack object, checking every header; `visit(depth, header, payload)` sees
// each item (depth 0: the root), payload pointing at a string's bytes.
template <class Visit>
Status walk(std::string_view bytes, Visit&& visit) {
  if (bytes.empty()) return Status::bad_message("empty buffer");
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t size = bytes.size();
  std::size_t pos = 0;
  // Items still expected at each open container level; the bottom entry is the root.
  // check_header bounds the depth, so a fixed array holds them (no allocation: the broker
  // walks every event's body).
  std::array<std::uint64_t, kMaxDepth + 1> pending{1};
  std::size_t levels = 1;
  while (levels > 0) {
    if (pending[levels - 1] == 0) {
      --levels;
      continue;
    }
    if (pos >= size) return truncated();
    const Header h = read_header(data + pos, size - pos);
    if (h.header_bytes == 0) return truncated();
    const std::uint64_t remaining = size - pos - h.header_bytes;
    if (Status s = check_header(h, remaining, levels - 1); !s.is_ok()) return s;
    --pending[levels - 1];
    if (Status s = visit(levels - 1, h, data + pos + h.header_bytes); !s.is_ok()) return s;
    pos += h.header_bytes + h.payload_bytes;
    if (h.children > 0) pending[levels++] = h.children;
  }
  if (pos != size) return Status::bad_message("trailing bytes after the message");
  return Status::ok();
}

}  // namespace

Status scan_msgpack(std::string_view bytes) {
  return walk(bytes, [](std::size_t, const Header&, const unsigned char*) { return Status::ok(); });
}

Status scan_top_strings(std::string_view bytes, std::span<const std::string_view> keys,
                        std::span<std::string_view> values) {
  std::size_t index = 0;  // of the item at depth 1: even a key, odd its value
  std::ptrdiff_t wanted = -1;
  std::array<bool, 8> seen{};  // REQUIRES: keys.size() <= 8
  return walk(bytes, [&](std::size_t depth, const Header& h, const unsigned char* payload) {
    if (depth == 0) {
      return h.what == Header::What::kMap ? Status::ok() : Status::bad_message("not a map");
    }
    if (depth != 1) return Status::ok();
    const bool is_key = index++ % 2 == 0;
    const std::string_view text(reinterpret_cast<const char*>(payload),
                                h.what == Header::What::kString ? h.payload_bytes : 0);
    if (is_key) {
      if (h.what != Header::What::kString) return Status::bad_message("a map key is not a string");
      const auto at = std::find(keys.begin(), keys.end(), text);
      wanted = at == keys.end() ? -1 : at - keys.begin();
      if (wanted >= 0 && seen[wanted]) {
        return Status::bad_message("field '" + std::string(text) + "' given twice");
      }
      if (wanted >= 0) seen[wanted] = true;
      return Status::ok();
    }
    if (wanted >= 0 && h.what == Header::What::kString) values[wanted] = text;
    return Status::ok();
  });
}

}  // namespace bc::msg::detail
