#pragma once
// etc/networks.cfg: `<CIDR> [tag]` lines, IPv4 and IPv6, `#` comments.

#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostics.h"

namespace bc::config {

struct Network {
  std::string cidr;  // normalised "address/prefix"
  std::string tag;   // rest of the line, may be empty
  int line = 0;
};

std::vector<Network> parse_networks(std::string_view text, const std::string& file,
                                    Diagnostics& diags);

}  // namespace bc::config
