#include "node/script/literals.h"

#include <arpa/inet.h>

#include <array>
#include <charconv>
#include <cstring>

namespace bc::node::script {
namespace {

struct RawAddr {
  bool v6 = false;
  std::array<unsigned char, 16> bytes{};  // v4 uses the first 4
};

std::string_view strip_brackets(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']')
    return text.substr(1, text.size() - 2);
  return text;
}

bool is_v4_mapped(const RawAddr& a) {
  static constexpr unsigned char kPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return a.v6 && std::memcmp(a.bytes.data(), kPrefix, sizeof kPrefix) == 0;
}

std::optional<RawAddr> parse_raw(std::string_view text) {
  const std::string s(strip_brackets(text));
  RawAddr a;
  // inet_pton accepts only the strict dotted quad for AF_INET, which is what Bro accepts.
  if (inet_pton(AF_INET, s.c_str(), a.bytes.data()) == 1) return a;
  if (s.find(':') != std::string::npos && inet_pton(AF_INET6, s.c_str(), a.bytes.data()) == 1) {
    a.v6 = true;
    if (is_v4_mapped(a)) {
      std::memmove(a.bytes.data(), a.bytes.data() + 12, 4);
      std::memset(a.bytes.data() + 4, 0, 12);
      a.v6 = false;
    }
    return a;
  }
  return std::nullopt;
}

std::string format_raw(const RawAddr& a) {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(a.v6 ? AF_INET6 : AF_INET, a.bytes.data(), buf, sizeof buf);
  return buf;
}

int compare_raw(const RawAddr& a, const RawAddr& b) {
  if (a.v6 != b.v6) return a.v6 ? 1 : -1;
  return std::memcmp(a.bytes.data(), b.bytes.data(), a.v6 ? 16 : 4);
}

}  // namespace

std::optional<std::string> parse_addr(std::string_view text) {
  const auto raw = parse_raw(text);
  if (!raw) return std::nullopt;
  return format_raw(*raw);
}

std::optional<std::string> parse_subnet(std::string_view text) {
  const std::size_t slash = text.rfind('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto raw = parse_raw(text.substr(0, slash));
  const std::string_view len_text = text.substr(slash + 1);
  int len = -1;
  const auto [end, ec] = std::from_chars(len_text.data(), len_text.data() + len_text.size(), len);
  if (!raw || len_text.empty() || ec != std::errc() || end != len_text.data() + len_text.size())
    return std::nullopt;
  const int bits = raw->v6 ? 128 : 32;
  if (len < 0 || len > bits) return std::nullopt;
  for (int i = 0; i < bits / 8; ++i) {
    const int keep = std::max(0, std::min(8, len - i * 8));
    raw->bytes[i] &= static_cast<unsigned char>(0xff00 >> keep);
  }
  return format_raw(*raw) + "/" + std::to_string(len);
}

std::optional<Port::Proto> parse_port_proto(std::string_view text) {
  if (text == "tcp") return Port::kTcp;
  if (text == "udp") return Port::kUdp;
  if (text == "icmp") return Port::kIcmp;
  if (text == "unknown") return Port::kUnknown;
  return std::nullopt;
}

std::string_view port_proto_name(Port::Proto proto) {
  switch (proto) {
    case Port::kTcp:
      return "tcp";
    case Port::kUdp:
      return "udp";
    case Port::kIcmp:
      return "icmp";
    case Port::kUnknown:
      break;
  }
  return "unknown";
}

std::optional<double> interval_unit_seconds(std::string_view word) {
  if (word.size() > 1 && word.back() == 's') word.remove_suffix(1);
  if (word == "usec") return 1e-6;
  if (word == "msec") return 1e-3;
  if (word == "sec") return 1.0;
  if (word == "min") return 60.0;
  if (word == "hr") return 3600.0;
  if (word == "day") return 86400.0;
  return std::nullopt;
}

int compare_addr(const std::string& a, const std::string& b) {
  const auto ra = parse_raw(a);
  const auto rb = parse_raw(b);
  if (!ra || !rb) return a.compare(b);
  return compare_raw(*ra, *rb);
}

int compare_subnet(const std::string& a, const std::string& b) {
  const std::size_t sa = a.rfind('/');
  const std::size_t sb = b.rfind('/');
  if (sa == std::string::npos || sb == std::string::npos) return a.compare(b);
  const int c = compare_addr(a.substr(0, sa), b.substr(0, sb));
  if (c != 0) return c;
  return std::stoi(a.substr(sa + 1)) - std::stoi(b.substr(sb + 1));
}

}  // namespace bc::node::script
