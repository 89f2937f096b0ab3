#pragma once
// zeekctl's options (ZeekControl/options.py) and what each becomes in our cluster.cfg:
// the table import-zeekctl works from and docs/ZEEK.md prints. An option is either carried
// to one of ours (maybe converted: units, a path turned into a command) or listed as having
// no equivalent, with the reason and what to do instead.

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace bc::config {

enum class ZeekctlType { kString, kInt, kBool };

struct ZeekctlOption {
  std::string_view name;  // zeekctl's spelling
  ZeekctlType type;
  std::string_view zeekctl_default;  // as options.py has it, ${...} unexpanded
  std::string_view ours;             // our option; empty when there is no equivalent
  // No equivalent: why, and what to do instead. Carried: how the value is converted, or
  // empty when it is copied as is.
  std::string_view note;
  // Written with zeekctl's default when the file does not set it, because our default
  // differs and a site would notice (StopTimeout 60 s, hourly rotation, ...).
  bool keep_default = false;
  std::string_view legacy_name = {};  // the old name zeekctl refuses (BroArgs, ...)
};

std::span<const ZeekctlOption> zeekctl_options();
// Case-insensitive; nullptr for names zeekctl does not know.
const ZeekctlOption* find_zeekctl_option(std::string_view name);
// The option whose legacy name this is (zeekctl refuses legacy names), else nullptr.
const ZeekctlOption* find_zeekctl_legacy(std::string_view name);

// zeekctl's value syntax: bool is 1/0/true/false (case-insensitive), int a decimal
// integer. Returns the value normalised ("1"/"0" for bools), nullopt when invalid.
std::optional<std::string> normalise_zeekctl_value(ZeekctlType type, std::string_view value);

}  // namespace bc::config
