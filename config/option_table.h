#pragma once
// The table of every cluster.cfg option: the manual's user and internal options plus the
// ones BroCluster adds. This table is the single source for defaults, types, `config`
// output, docs/CONFIG.md and validation.

#include <span>
#include <string_view>

namespace bc::config {

enum class OptionType { kString, kInt, kBool, kDouble };

enum class OptionCategory {
  kUser,      // the manual's "User Options"
  kInternal,  // the manual's "Internal Options"
  kDesign,    // added by BroCluster (bus endpoints, timeouts, restart policy, ...)
};

struct OptionSpec {
  std::string_view name;  // canonical spelling, e.g. "SitePolicyPath"
  OptionType type;
  std::string_view default_value;  // may contain ${Other} references
  OptionCategory category;
  std::string_view description;
};

std::span<const OptionSpec> option_table();
// Case-insensitive lookup; nullptr for unknown names.
const OptionSpec* find_option(std::string_view name);
std::string_view option_type_name(OptionType type);

}  // namespace bc::config
