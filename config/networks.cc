#include "config/networks.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <optional>

#include "common/strings.h"
#include "config/cluster_config.h"
#include "config/text_util.h"

namespace bc::config {
namespace {

struct Cidr {
  std::string normalized;  // network address (host bits cleared) + "/" + prefix
  bool host_bits_set = false;
};

// Clears the bits after `prefix`; true if any was set.
bool clear_host_bits(std::uint8_t* bytes, std::size_t size, int prefix) {
  bool was_set = false;
  for (std::size_t i = 0; i < size; ++i) {
    const int keep = std::clamp(prefix - static_cast<int>(i) * 8, 0, 8);
    const auto mask = static_cast<std::uint8_t>(keep == 0 ? 0 : 0xff << (8 - keep));
    was_set = was_set || (bytes[i] & ~mask) != 0;
    bytes[i] &= mask;
  }
  return was_set;
}

std::optional<Cidr> parse_cidr(const std::string& text, std::string* error) {
  const std::size_t slash = text.find('/');
  const bool v6 = text.find(':') != std::string::npos;
  if (slash == std::string::npos) {
    *error = "'" + text + "' has no prefix length (write " + text + (v6 ? "/128)" : "/32)");
    return std::nullopt;
  }
  const std::string address = text.substr(0, slash);
  std::array<std::uint8_t, 16> bytes{};
  if (inet_pton(v6 ? AF_INET6 : AF_INET, address.c_str(), bytes.data()) != 1) {
    *error = "invalid " + std::string(v6 ? "IPv6" : "IPv4") + " address '" + address + "' in '" +
             text + "'";
    return std::nullopt;
  }
  const int max_prefix = v6 ? 128 : 32;
  std::int64_t prefix = 0;
  if (!parse_int(text.substr(slash + 1), &prefix) || prefix < 0 || prefix > max_prefix) {
    *error = "invalid prefix length '" + text.substr(slash + 1) + "' in '" + text +
             "' (expected 0.." + std::to_string(max_prefix) + ")";
    return std::nullopt;
  }
  Cidr out;
  out.host_bits_set = clear_host_bits(bytes.data(), v6 ? 16 : 4, static_cast<int>(prefix));
  std::array<char, INET6_ADDRSTRLEN> buf{};
  inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buf.data(), buf.size());
  out.normalized = std::string(buf.data()) + "/" + std::to_string(prefix);
  return out;
}

}  // namespace

std::vector<Network> parse_networks(std::string_view text, const std::string& file,
                                    Diagnostics& diags) {
  std::vector<Network> out;
  std::map<std::string, int> first_line;  // normalised CIDR -> line
  detail::for_each_line(text, [&](int number, std::string_view line) {
    line = detail::strip_comment(line);
    if (line.empty()) return;
    const std::size_t space = line.find_first_of(" \t");
    const std::string token(line.substr(0, space));
    std::string error;
    const std::optional<Cidr> cidr = parse_cidr(token, &error);
    if (!cidr) return diags.error(file, number, error);
    if (cidr->host_bits_set) {
      diags.warning(file, number, "'" + token + "' has host bits set; using " + cidr->normalized);
    }
    const auto [it, inserted] = first_line.emplace(cidr->normalized, number);
    if (!inserted) {
      diags.warning(file, number,
                    "duplicate network " + cidr->normalized + " (first on line " +
                        std::to_string(it->second) + "); ignored");
      return;
    }
    const std::string tag =
        space == std::string_view::npos ? std::string() : std::string(trim(line.substr(space)));
    out.push_back(Network{cidr->normalized, tag, number});
  });
  return out;
}

}  // namespace bc::config
