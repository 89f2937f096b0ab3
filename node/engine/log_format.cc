#include "node/engine/log_format.h"

#include <cinttypes>
#include <cstdio>

namespace bc::node::tsv {
namespace {

void append_hex(std::string& out, unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += "\\x";
  out += kHex[c >> 4];
  out += kHex[c & 0xf];
}

std::string escape_with(std::string_view s, bool in_set) {
  if (s.empty()) return std::string(kEmpty);
  std::string out;
  out.reserve(s.size());
  // Zeek escapes the first character of a value that would read as unset or empty.
  const bool clash = s == kUnset || s == kEmpty;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if ((clash && i == 0) || c < 0x20 || c > 0x7e || (in_set && c == ',')) {
      append_hex(out, c);
    } else if (c == '\\') {
      out += "\\\\";
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace

std::string escape(std::string_view s) {
  return escape_with(s, false);
}

std::string set(const std::vector<std::string>& elements) {
  if (elements.empty()) return std::string(kEmpty);
  std::string out;
  for (std::size_t i = 0; i < elements.size(); ++i) {
    if (i) out += ',';
    out += escape_with(elements[i], true);
  }
  return out;
}

std::string time(std::int64_t us) {
  char buf[40];
  const bool neg = us < 0;
  const std::uint64_t a = neg ? static_cast<std::uint64_t>(-us) : static_cast<std::uint64_t>(us);
  std::snprintf(buf, sizeof buf, "%s%" PRIu64 ".%06" PRIu64, neg ? "-" : "", a / 1000000,
                a % 1000000);
  return buf;
}

std::string interval(std::int64_t us) {
  return time(us);
}

std::string count(std::uint64_t n) {
  return std::to_string(n);
}

std::string boolean(bool b) {
  return b ? "T" : "F";
}

}  // namespace bc::node::tsv
