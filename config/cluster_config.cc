#include "config/cluster_config.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <vector>

#include "common/strings.h"
#include "config/option_table.h"
#include "config/text_util.h"

namespace bc::config {

std::string ClusterConfig::get(std::string_view name) const {
  if (const OptionSpec* spec = find_option(name)) name = spec->name;
  if (auto it = values_.find(std::string(name)); it != values_.end()) return it->second;
  if (auto key = keys_.find(to_lower(name)); key != keys_.end()) return values_.at(key->second);
  return {};
}

std::int64_t ClusterConfig::get_int(std::string_view name) const {
  std::int64_t out = 0;
  return parse_int(get(name), &out) ? out : 0;
}

bool ClusterConfig::get_bool(std::string_view name) const {
  bool out = false;
  return parse_bool(get(name), &out) && out;
}

double ClusterConfig::get_double(std::string_view name) const {
  double out = 0;
  return parse_double(get(name), &out) ? out : 0.0;
}

std::chrono::milliseconds ClusterConfig::get_millis(std::string_view name) const {
  return std::chrono::milliseconds(std::llround(std::max(get_double(name), 0.0) * 1000.0));
}

void ClusterConfig::set(std::string name, std::string value) {
  if (const OptionSpec* spec = find_option(name)) name = std::string(spec->name);
  // An unknown key set again in another case keeps its first spelling.
  const auto key = keys_.try_emplace(to_lower(name), name).first;
  values_[key->second] = std::move(value);
}

bool parse_bool(std::string_view text, bool* out) {
  static constexpr std::array<std::string_view, 4> kTrue = {"1", "true", "yes", "on"};
  static constexpr std::array<std::string_view, 4> kFalse = {"0", "false", "no", "off"};
  text = trim(text);
  for (std::size_t i = 0; i < kTrue.size(); ++i) {
    if (iequals(text, kTrue[i]) || iequals(text, kFalse[i])) {
      *out = iequals(text, kTrue[i]);
      return true;
    }
  }
  return false;
}

bool parse_int(std::string_view text, std::int64_t* out) {
  text = trim(text);
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return false;
  *out = value;
  return true;
}

bool parse_double(std::string_view text, double* out) {
  text = trim(text);
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  // from_chars accepts "inf" and "nan", which no duration or factor can be.
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
      !std::isfinite(value)) {
    return false;
  }
  *out = value;
  return true;
}

}  // namespace bc::config
