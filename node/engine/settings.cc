#include "node/engine/settings.h"

#include <arpa/inet.h>

#include <cstring>
#include <string>

namespace bc::node {
namespace {
constexpr std::uint8_t kV4Prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
}  // namespace

bool IpAddr::is_v4() const {
  return std::memcmp(bytes.data(), kV4Prefix, 12) == 0;
}

IpAddr IpAddr::from_v4(const std::uint8_t* four) {
  IpAddr a;
  std::memcpy(a.bytes.data(), kV4Prefix, 12);
  std::memcpy(a.bytes.data() + 12, four, 4);
  return a;
}

IpAddr IpAddr::from_v6(const std::uint8_t* sixteen) {
  IpAddr a;
  std::memcpy(a.bytes.data(), sixteen, 16);
  return a;
}

Result<IpAddr> IpAddr::parse(std::string_view text) {
  std::string s(text);
  std::uint8_t buf[16];
  if (inet_pton(AF_INET, s.c_str(), buf) == 1) return from_v4(buf);
  if (inet_pton(AF_INET6, s.c_str(), buf) == 1) return from_v6(buf);
  return Status::invalid_argument("not an IP address: '" + s + "'");
}

std::string IpAddr::to_string() const {
  char buf[INET6_ADDRSTRLEN];
  if (is_v4()) {
    inet_ntop(AF_INET, bytes.data() + 12, buf, sizeof buf);
  } else {
    inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf);
  }
  return buf;
}

Result<Subnet> Subnet::parse(std::string_view text) {
  auto slash = text.find('/');
  auto addr = IpAddr::parse(text.substr(0, slash));
  if (!addr) return Status::invalid_argument("not a subnet: '" + std::string(text) + "'");
  Subnet net;
  net.network = *addr;
  const int max = addr->is_v4() ? 32 : 128;
  net.prefix = max;
  if (slash != std::string_view::npos) {
    auto digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3 ||
        digits.find_first_not_of("0123456789") != std::string_view::npos) {
      return Status::invalid_argument("bad prefix length in subnet '" + std::string(text) + "'");
    }
    net.prefix = std::stoi(std::string(digits));
    if (net.prefix > max) {
      return Status::invalid_argument("prefix length too long in subnet '" + std::string(text) +
                                      "'");
    }
  }
  // Normalise the host bits away so that equal subnets compare equal.
  const int bits = net.prefix + (max == 32 ? 96 : 0);
  for (int i = 0; i < 16; ++i) {
    const int keep = std::max(0, std::min(8, bits - i * 8));
    net.network.bytes[i] &= static_cast<std::uint8_t>(keep == 0 ? 0 : 0xff << (8 - keep));
  }
  return net;
}

bool Subnet::contains(const IpAddr& addr) const {
  if (addr.is_v4() != network.is_v4()) return false;
  const int bits = prefix + (network.is_v4() ? 96 : 0);
  for (int i = 0; i < 16 && i * 8 < bits; ++i) {
    const int keep = std::min(8, bits - i * 8);
    const auto mask = static_cast<std::uint8_t>(0xff << (8 - keep));
    if ((addr.bytes[i] & mask) != (network.bytes[i] & mask)) return false;
  }
  return true;
}

std::string Subnet::to_string() const {
  return network.to_string() + "/" + std::to_string(prefix);
}

}  // namespace bc::node
