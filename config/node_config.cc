// parse_node_config(): a syntax pass that collects [sections] and their keys, then one
// builder per section that validates the values and expands lb_procs groups, then the
// cross-section rule that node names are unique.

#include "config/node_config.h"

#include <algorithm>
#include <array>
#include <map>
#include <utility>

#include "common/strings.h"
#include "config/cluster_config.h"
#include "config/node_detail.h"
#include "config/node_profile.h"
#include "config/restart_settings.h"
#include "config/text_util.h"

namespace bc::config {
namespace {

constexpr std::array<std::string_view, 21> kKeys = {"type",
                                                    "host",
                                                    "interface",
                                                    "aux_scripts",
                                                    "lb_procs",
                                                    "lb_method",
                                                    "lb_interfaces",
                                                    "zone_id",
                                                    "pin_cpus",
                                                    "env_vars",
                                                    "program",
                                                    "args",
                                                    "profile",
                                                    "restart_backoff_initial",
                                                    "restart_backoff_factor",
                                                    "restart_backoff_max",
                                                    "restart_backoff_jitter",
                                                    "restart_stable_time",
                                                    "restart_storm_count",
                                                    "restart_storm_window",
                                                    "restart_policy"};

constexpr std::string_view kValidTypes = "standalone, logger, manager, proxy, worker";
// zeekctl's load-balancing methods (ZeekControl/config.py, _check_node).
constexpr std::array<std::string_view, 5> kLbMethods = {"af_packet", "pf_ring", "myricom", "custom",
                                                        "interfaces"};

struct Entry {
  std::string value;
  int line = 0;
};

struct Section {
  std::string name;
  int line = 0;
  bool valid = true;                  // false after a malformed header: the section yields no node
  std::map<std::string, Entry> keys;  // lower-case key -> value

  const Entry* get(std::string_view key) const {
    const auto it = keys.find(std::string(key));
    return it == keys.end() ? nullptr : &it->second;
  }
};

class SectionReader {
 public:
  SectionReader(const std::string& file, Diagnostics& diags) : file_(file), diags_(diags) {}

  std::vector<Section> read(std::string_view text) {
    detail::for_each_line(text, [this](int number, std::string_view line) {
      line = detail::strip_comment(line);
      if (line.empty()) return;
      if (line.front() == '[') {
        read_header(number, line);
      } else {
        read_key(number, line);
      }
    });
    return std::move(sections_);
  }

 private:
  void read_header(int number, std::string_view line) {
    Section& section = sections_.emplace_back();
    section.line = number;
    section.valid = false;
    if (line.back() != ']') {
      diags_.error(file_, number, "expected '[name]', got '" + std::string(line) + "'");
      return;
    }
    section.name = std::string(trim(line.substr(1, line.size() - 2)));
    if (section.name.empty()) {
      diags_.error(file_, number, "empty node name in '" + std::string(line) + "'");
    } else if (!detail::valid_node_name(section.name)) {
      diags_.error(file_, number,
                   "invalid node name '" + section.name +
                       "' (use letters, digits, '.', '_' and '-'; no leading '.' or '-')");
    } else {
      section.valid = true;
    }
  }

  void read_key(int number, std::string_view line) {
    const std::string node = sections_.empty() ? std::string() : sections_.back().name;
    const std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      diags_.error(file_, number, "expected 'key = value', got '" + std::string(line) + "'", node);
      return;
    }
    const std::string key = to_lower(trim(line.substr(0, eq)));
    if (key.empty()) {
      diags_.error(file_, number, "empty key in '" + std::string(line) + "'", node);
      return;
    }
    if (sections_.empty()) {
      diags_.error(file_, number, "key '" + key + "' outside of a [node] section");
      return;
    }
    store(sections_.back(), number, key, trim(line.substr(eq + 1)));
  }

  void store(Section& section, int number, const std::string& key, std::string_view value) {
    if (std::find(kKeys.begin(), kKeys.end(), key) == kKeys.end()) {
      diags_.warning(file_, number, "unknown key '" + key + "'" + detail::did_you_mean(key, kKeys),
                     section.name);
      return;
    }
    if (const Entry* first = section.get(key)) {
      diags_.warning(file_, number,
                     "duplicate key '" + key + "' (first set on line " +
                         std::to_string(first->line) + "); the last value wins",
                     section.name);
    }
    section.keys[key] = Entry{std::string(value), number};
  }

  const std::string& file_;
  Diagnostics& diags_;
  std::vector<Section> sections_;
};

// Resolves every distinct host once, however many nodes name it.
class CachedResolver {
 public:
  explicit CachedResolver(const HostResolver& resolver)
      : resolver_(resolver ? resolver : system_resolver()) {}

  std::optional<std::string> operator()(const std::string& host) {
    const std::string key = to_lower(host);
    auto it = cache_.find(key);
    if (it == cache_.end()) it = cache_.emplace(key, resolver_(host)).first;
    return it->second;
  }

 private:
  HostResolver resolver_;
  std::map<std::string, std::optional<std::string>> cache_;
};

}  // namespace

bool is_restart_key(std::string_view key) {
  return key.starts_with("restart_");
}

namespace {

class SectionBuilder {
 public:
  SectionBuilder(const Section& section, const std::string& file, Diagnostics& diags)
      : s_(section), file_(file), diags_(diags) {}

  // The nodes of the section (several for lb_procs), or none when it has an error.
  std::vector<NodeSpec> build(const EnvVars& global_env, CachedResolver& resolve) {
    NodeSpec spec;
    spec.name = s_.name;
    spec.line = s_.line;
    read_type(spec);
    read_host(spec, resolve);
    read_strings(spec);
    const int procs = read_lb_procs(spec);
    std::vector<std::string> interfaces = read_lb_method(spec, procs);
    std::vector<int> cpus = read_pin_cpus();
    read_env_vars(spec, global_env);
    read_restart(spec);
    if (!ok_) return {};
    return expand(spec, procs, cpus, interfaces);
  }

 private:
  void error(int line, const std::string& message) {
    diags_.error(file_, line, message, s_.name);
    ok_ = false;
  }

  void read_type(NodeSpec& spec) {
    const Entry* type = s_.get("type");
    if (type == nullptr) {
      return error(s_.line, "no type given (type = " + std::string(kValidTypes) + ")");
    }
    if (std::optional<NodeType> t = node_type_from_name(type->value)) {
      spec.type = *t;
      has_type_ = true;
    } else {
      error(type->line,
            "unknown type '" + type->value + "' (valid types: " + std::string(kValidTypes) + ")");
    }
  }

  void read_host(NodeSpec& spec, CachedResolver& resolve) {
    const Entry* host = s_.get("host");
    if (host == nullptr || host->value.empty()) {
      return error(host == nullptr ? s_.line : host->line, "no host given (host = <name>)");
    }
    spec.host = host->value;
    if (std::optional<std::string> address = resolve(host->value)) {
      spec.address = *address;
    } else {
      error(host->line, "cannot resolve host '" + host->value + "'");
    }
  }

  void read_restart(NodeSpec& spec) {
    for (const auto& [key, entry] : s_.keys) {
      if (!is_restart_key(key)) continue;
      if (key == "restart_policy") {
        if (!restart_mode_from_name(entry.value)) {
          error(entry.line, "invalid restart_policy '" + entry.value + "' (expected " +
                                std::string(kRestartModeNames) + ")");
          continue;
        }
        spec.restart.emplace_back(key, entry.value);
        continue;
      }
      double value = 0;
      if (!parse_double(entry.value, &value) || value < 0) {
        error(entry.line, "invalid " + key + " '" + entry.value + "' (expected a number >= 0)");
        continue;
      }
      if (key == "restart_storm_count" && value < 1) {
        error(entry.line,
              "invalid restart_storm_count '" + entry.value + "' (expected a number >= 1)");
        continue;
      }
      spec.restart.emplace_back(key, entry.value);
    }
  }

  void read_strings(NodeSpec& spec) {
    if (const Entry* e = s_.get("interface")) spec.interface = e->value;
    if (const Entry* e = s_.get("program")) spec.program = e->value;
    if (const Entry* e = s_.get("args")) spec.args = split_trimmed(e->value, " \t");
    if (const Entry* e = s_.get("profile"); e != nullptr && !e->value.empty()) {
      if (!node_profile_from_name(e->value)) {
        error(e->line, "profile: " + invalid_profile_message(e->value));
      } else {
        spec.profile = to_lower(e->value);
      }
    }
    if (const Entry* e = s_.get("aux_scripts")) spec.aux_scripts = split_trimmed(e->value, " \t,");
    if (const Entry* e = s_.get("zone_id")) spec.zone_id = e->value;
  }

  // zeekctl's rules: lb_method needs lb_procs (which makes it a worker) and is one of
  // kLbMethods; lb_interfaces belongs to lb_method=interfaces and names one interface per
  // process. Returns those interfaces in the order the processes get them.
  std::vector<std::string> read_lb_method(NodeSpec& spec, int procs) {
    const Entry* method = s_.get("lb_method");
    const Entry* list = s_.get("lb_interfaces");
    if (method != nullptr && !method->value.empty()) {
      spec.lb_method = to_lower(method->value);
      if (std::find(kLbMethods.begin(), kLbMethods.end(), spec.lb_method) == kLbMethods.end()) {
        error(method->line, "unknown lb_method '" + method->value +
                                "' (expected af_packet, pf_ring, myricom, custom or interfaces)");
        return {};
      }
      if (s_.get("lb_procs") == nullptr) {
        error(method->line, "lb_method needs lb_procs (the number of worker processes)");
        return {};
      }
    }
    if (list == nullptr || list->value.empty()) {
      if (spec.lb_method == "interfaces" && procs > 0) {
        error(method->line, "lb_method=interfaces needs lb_interfaces (one interface per process)");
      }
      return {};
    }
    if (spec.lb_method != "interfaces") {
      error(list->line, "lb_interfaces is only valid with lb_method=interfaces");
      return {};
    }
    std::vector<std::string> interfaces = split_trimmed(list->value, ",");
    if (procs > 0 && interfaces.size() != static_cast<std::size_t>(procs)) {
      error(list->line, "lb_interfaces names " + std::to_string(interfaces.size()) +
                            " interface(s) but lb_procs is " + std::to_string(procs) +
                            " (one interface per process)");
      return {};
    }
    // zeekctl hands them out from the end of the list: <name>-1 gets the last one. A
    // site that switches keeps each process on its interface.
    std::reverse(interfaces.begin(), interfaces.end());
    return interfaces;
  }

  int read_lb_procs(const NodeSpec& spec) {
    const Entry* e = s_.get("lb_procs");
    if (e == nullptr) return 0;
    std::int64_t procs = 0;
    if (!parse_int(e->value, &procs) || procs < 1 || procs > detail::kMaxLbProcs) {
      error(e->line, "invalid lb_procs '" + e->value + "' (expected an integer from 1 to " +
                         std::to_string(detail::kMaxLbProcs) + ")");
      return 0;
    }
    if (has_type_ && spec.type != NodeType::kWorker) {
      error(e->line, "lb_procs is only valid for workers, not for a " +
                         std::string(node_type_name(spec.type)));
      return 0;
    }
    return static_cast<int>(procs);
  }

  std::vector<int> read_pin_cpus() {
    const Entry* e = s_.get("pin_cpus");
    if (e == nullptr) return {};
    std::vector<int> cpus;
    for (const std::string& item : split_trimmed(e->value, ",")) {
      std::int64_t cpu = 0;
      if (!parse_int(item, &cpu) || cpu < 0 || cpu > 1'000'000) {
        error(e->line, "invalid pin_cpus '" + e->value + "': '" + item +
                           "' is not a CPU number (expected non-negative integers separated "
                           "by commas)");
        return {};
      }
      cpus.push_back(static_cast<int>(cpu));
    }
    return cpus;
  }

  void read_env_vars(NodeSpec& spec, const EnvVars& global_env) {
    EnvVars own;
    if (const Entry* e = s_.get("env_vars")) {
      std::string why;
      if (!parse_env_vars(e->value, &own, &why)) return error(e->line, "invalid env_vars: " + why);
    }
    spec.env_vars = detail::overlay_env_vars(global_env, own);
  }

  // lb_procs=N turns one section into <name>-1 .. <name>-N; with pin_cpus each process
  // gets one CPU, wrapping round when there are fewer CPUs than processes; with
  // lb_interfaces each its own interface.
  static std::vector<NodeSpec> expand(NodeSpec spec, int procs, const std::vector<int>& cpus,
                                      const std::vector<std::string>& interfaces) {
    if (procs == 0) {
      spec.pin_cpus = cpus;
      return {std::move(spec)};
    }
    std::vector<NodeSpec> out;
    for (int i = 1; i <= procs; ++i) {
      NodeSpec& n = out.emplace_back(spec);
      n.name = spec.name + "-" + std::to_string(i);
      n.lb_group = spec.name;
      n.lb_index = i;
      n.lb_procs = procs;
      if (!cpus.empty()) n.pin_cpus = {cpus[static_cast<std::size_t>(i - 1) % cpus.size()]};
      if (!interfaces.empty()) n.interface = interfaces[static_cast<std::size_t>(i - 1)];
    }
    return out;
  }

  const Section& s_;
  const std::string& file_;
  Diagnostics& diags_;
  bool ok_ = true;
  bool has_type_ = false;
};

// Node names (and lb_procs group names, which select a group) must be unique,
// case-insensitively, because they name spool directories and shell arguments.
class NameRegistry {
 public:
  NameRegistry(const std::string& file, Diagnostics& diags) : file_(file), diags_(diags) {}

  bool claim(const std::string& name, const Section& s, bool group) {
    const std::string origin =
        group ? "[" + s.name + "] with lb_procs on line " + std::to_string(s.line)
              : "[" + s.name + "] on line " + std::to_string(s.line);
    const auto [it, inserted] = owners_.emplace(to_lower(name), origin);
    if (!inserted) {
      diags_.error(file_, s.line,
                   "duplicate node name '" + name + "' (already defined by " + it->second + ")",
                   name);
    }
    return inserted;
  }

 private:
  const std::string& file_;
  Diagnostics& diags_;
  std::map<std::string, std::string> owners_;
};

}  // namespace

std::vector<NodeSpec> parse_node_config(std::string_view text, const std::string& file,
                                        std::string_view global_env_vars,
                                        const HostResolver& resolver, Diagnostics& diags) {
  // A malformed global env_vars is reported by parse_cluster_config, against cluster.cfg.
  EnvVars global_env;
  std::string ignored;
  if (!parse_env_vars(global_env_vars, &global_env, &ignored)) global_env.clear();

  CachedResolver resolve(resolver);
  NameRegistry names(file, diags);
  std::vector<NodeSpec> nodes;
  for (const Section& section : SectionReader(file, diags).read(text)) {
    if (!section.valid) continue;
    std::vector<NodeSpec> built = SectionBuilder(section, file, diags).build(global_env, resolve);
    const bool group = !built.empty() && !built.front().lb_group.empty();
    if (group && !names.claim(section.name, section, true)) continue;
    for (NodeSpec& node : built) {
      if (names.claim(node.name, section, group)) nodes.push_back(std::move(node));
    }
  }
  return nodes;
}

}  // namespace bc::config
