// parse_cluster_config(): reads `Key = value` lines into value layers (file, presets,
// table defaults), then lets the Interpolator pick, per option, the first layer that
// expands and validates.

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <vector>

#include "common/strings.h"
#include "config/cluster_config.h"
#include "config/interpolation.h"
#include "config/node_config.h"
#include "config/option_checks.h"
#include "config/option_table.h"
#include "config/restart_settings.h"
#include "config/text_util.h"

namespace bc::config {
namespace {

using detail::RawOption;
using detail::ValueLayer;

// Presets the file cannot override: the file actually read, and the version of the
// running program. Everything else in the file wins over presets (BroBase included).
constexpr std::array<std::string_view, 2> kStickyPresets = {"ClusterCfg", "Version"};

// "RestartStormCount-Worker": a Restart* option of the table, for one node type. Sets
// `canonical` to the table's spelling of both parts.
bool typed_restart_option(std::string_view key, std::string* canonical) {
  const auto dash = key.rfind('-');
  if (dash == std::string_view::npos) return false;
  const OptionSpec* base = find_option(key.substr(0, dash));
  const auto type = node_type_from_name(key.substr(dash + 1));
  if (base == nullptr || !type || !base->name.starts_with("Restart")) return false;
  std::string type_name(node_type_name(*type));
  type_name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(type_name[0])));
  *canonical = std::string(base->name) + "-" + type_name;
  return true;
}

bool valid_option_name(std::string_view name) {
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
  });
}

bool is_quoted(std::string_view v) {
  return v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front();
}

std::vector<std::string_view> option_names() {
  std::vector<std::string_view> names;
  for (const OptionSpec& spec : option_table())
    names.push_back(spec.name);
  return names;
}

class FileReader {
 public:
  FileReader(const std::string& file, Diagnostics& diags) : file_(file), diags_(diags) {}

  void read(std::string_view text) {
    detail::for_each_line(text, [this](int number, std::string_view line) {
      read_line(number, detail::strip_comment(line));
    });
  }

  std::map<std::string, RawOption>& options() { return options_; }

 private:
  void read_line(int number, std::string_view line) {
    if (line.empty()) return;
    const std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      diags_.error(file_, number, "expected 'Key = value', got '" + std::string(line) + "'");
      return;
    }
    const std::string key(trim(line.substr(0, eq)));
    std::string_view value = trim(line.substr(eq + 1));
    if (key.empty()) {
      diags_.error(file_, number, "empty option name in '" + std::string(line) + "'");
      return;
    }
    if (!valid_option_name(key)) {
      diags_.error(file_, number,
                   "invalid option name '" + key + "' (letters, digits, '-', '_' and '.' only)");
      return;
    }
    if (is_quoted(value)) {
      diags_.error(file_, number, "option '" + key + "': values are not quoted; remove the quotes");
      value = value.substr(1, value.size() - 2);
    }
    store(number, key, value);
  }

  void store(int number, const std::string& key, std::string_view value) {
    const OptionSpec* spec = find_option(key);
    std::string name = spec != nullptr ? std::string(spec->name) : key;
    const std::string lower = to_lower(key);
    if (spec == nullptr && typed_restart_option(key, &name)) {
      double number_value = 0;
      if (name.starts_with("RestartPolicy-")) {
        if (!restart_mode_from_name(value)) {
          diags_.error(file_, number,
                       "option '" + name + "': invalid value '" + std::string(value) +
                           "' (expected " + std::string(kRestartModeNames) + ")");
        }
      } else if (!parse_double(value, &number_value) || number_value < 0) {
        diags_.error(
            file_, number,
            "option '" + name + "': expected a number >= 0, got '" + std::string(value) + "'");
      }
    } else if (spec == nullptr) {
      static const std::vector<std::string_view> kNames = option_names();
      diags_.warning(file_, number,
                     "unknown option '" + key + "'" + detail::did_you_mean(key, kNames));
    }
    if (auto it = lines_.find(lower); it != lines_.end()) {
      diags_.warning(file_, number,
                     "duplicate option '" + name + "' (first set on line " +
                         std::to_string(it->second) + "); the last value wins");
    }
    lines_.emplace(lower, number);
    RawOption& option = options_[lower];
    option.name = name;
    option.layers = {ValueLayer{std::string(value), number, false}};
  }

  const std::string& file_;
  Diagnostics& diags_;
  std::map<std::string, RawOption> options_;
  std::map<std::string, int> lines_;  // lower-case key -> first line setting it
};

bool is_sticky(std::string_view name) {
  return std::any_of(kStickyPresets.begin(), kStickyPresets.end(),
                     [&](std::string_view s) { return iequals(s, name); });
}

void add_presets(const std::map<std::string, std::string>& presets, const std::string& file,
                 std::map<std::string, RawOption>& options, Diagnostics& diags) {
  for (const auto& [name, value] : presets) {
    const OptionSpec* spec = find_option(name);
    RawOption& option = options[to_lower(name)];
    if (option.name.empty()) option.name = spec != nullptr ? std::string(spec->name) : name;
    ValueLayer layer{value, 0, true};
    if (is_sticky(name) && !option.layers.empty()) {
      diags.warning(file, option.layers.front().line,
                    "option '" + option.name +
                        "' is determined by BroCluster; the value in the file is ignored");
      option.layers.insert(option.layers.begin(), layer);
    } else {
      option.layers.push_back(layer);
    }
  }
}

void add_defaults(std::map<std::string, RawOption>& options) {
  for (const OptionSpec& spec : option_table()) {
    RawOption& option = options[to_lower(spec.name)];
    option.name = std::string(spec.name);
    option.layers.push_back(ValueLayer{std::string(spec.default_value), 0, false});
  }
}

std::optional<std::string> check_layer(const RawOption& option, const std::string& value) {
  const OptionSpec* spec = find_option(option.name);
  if (spec == nullptr) return std::nullopt;
  return detail::check_option_value(*spec, value);
}

}  // namespace

ClusterConfig parse_cluster_config(std::string_view text, const std::string& file,
                                   const std::map<std::string, std::string>& presets,
                                   Diagnostics& diags) {
  FileReader reader(file, diags);
  reader.read(text);
  std::map<std::string, RawOption> options = std::move(reader.options());
  add_presets(presets, file, options, diags);
  add_defaults(options);

  ClusterConfig config;
  // Unknown keys whose value cannot be resolved still appear, empty.
  for (const auto& [key, option] : options)
    config.set(option.name, "");
  detail::Interpolator interpolator(options, file, check_layer, diags);
  std::map<std::string, int> set_lines;
  for (auto& [name, resolved] : interpolator.resolve_all()) {
    config.set(name, resolved.value);
    set_lines[to_lower(name)] = resolved.line;
  }
  detail::check_ports(
      config, file,
      [&](std::string_view name) {
        const auto it = set_lines.find(to_lower(name));
        return it == set_lines.end() ? 0 : it->second;
      },
      diags);
  return config;
}

}  // namespace bc::config
