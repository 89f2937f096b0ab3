#pragma once
// A Zeek version (major.minor.patch) as `zeek --version` prints it. What a Zeek node is
// given (argv, cluster layout, scripts) depends on it, as it does for zeekctl.

#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace bc::config {

struct ZeekVersion {
  int major = 0;
  int minor = 0;
  int patch = 0;

  auto operator<=>(const ZeekVersion&) const = default;
  std::string to_string() const;  // "8.0.1"
};

// Accepts "8.0.1", "8.1.0-dev.42", "9.0.0-rc1", "7.0" (patch 0) and the whole line of
// `zeek --version` ("zeek version 7.0.5"); nullopt for anything else.
std::optional<ZeekVersion> parse_zeek_version(std::string_view text);

}  // namespace bc::config
