// The node.cfg part of import-zeekctl: zeekctl's node.cfg read as Python's configparser
// reads it (zeekctl uses ConfigParser()), the keys zeekctl knows carried, the effects of
// its lb_method plugins (ZeekControl/plugins/lb_*.py, zzz_af_packet.py) written out as
// interface and env_vars, and the result checked with our parser.

#include <algorithm>
#include <array>
#include <map>

#include "common/strings.h"
#include "config/cluster.h"
#include "config/text_util.h"
#include "config/zeekctl_import.h"

namespace bc::config::detail {
namespace {

// ZeekControl/node.py, Node._keys, less the undocumented ones zeekctl sets itself.
constexpr std::array<std::string_view, 10> kCarriedKeys = {
    "type",          "host",     "interface", "lb_method",   "lb_procs",
    "lb_interfaces", "pin_cpus", "env_vars",  "aux_scripts", "zone_id"};

// zeekctl's PFRINGClusterType values and the variable each sets (lb_pf_ring.py).
const std::map<std::string, std::string>& pf_ring_types() {
  static const std::map<std::string, std::string> kTypes = {
      {"2-tuple", "PCAP_PF_RING_USE_CLUSTER_PER_FLOW_2_TUPLE"},
      {"4-tuple", "PCAP_PF_RING_USE_CLUSTER_PER_FLOW_4_TUPLE"},
      {"5-tuple", "PCAP_PF_RING_USE_CLUSTER_PER_FLOW_5_TUPLE"},
      {"tcp-5-tuple", "PCAP_PF_RING_USE_CLUSTER_PER_FLOW_TCP_5_TUPLE"},
      {"6-tuple", "PCAP_PF_RING_USE_CLUSTER_PER_FLOW"},
      {"inner-2-tuple", "PCAP_PF_RING_USE_CLUSTER_PER_INNER_FLOW_2_TUPLE"},
      {"inner-4-tuple", "PCAP_PF_RING_USE_CLUSTER_PER_INNER_FLOW_4_TUPLE"},
      {"inner-5-tuple", "PCAP_PF_RING_USE_CLUSTER_PER_INNER_FLOW_5_TUPLE"},
      {"inner-tcp-5-tuple", "PCAP_PF_RING_USE_CLUSTER_PER_INNER_FLOW_TCP_5_TUPLE"},
      {"inner-6-tuple", "PCAP_PF_RING_USE_CLUSTER_PER_INNER_FLOW"}};
  return kTypes;
}

struct Key {
  std::string name;
  std::string value;
  int line = 0;
};

struct Section {
  std::string name;
  int line = 0;
  std::vector<Key> keys;
  std::vector<std::string> notes;  // comment lines written above the section's keys

  Key* get(std::string_view name) {
    for (Key& k : keys) {
      if (k.name == name) return &k;
    }
    return nullptr;
  }
};

// configparser's rules: whole-line comments with '#' or ';', "key = value" or
// "key: value", keys lower-cased (zeekctl then turns '.' into '_'), '%%' for a '%', a
// [DEFAULT] section whose keys every section inherits, no duplicate sections or keys.
class IniReader {
 public:
  IniReader(const std::string& file, Diagnostics& diags) : file_(file), diags_(diags) {}

  std::vector<Section> read(std::string_view text) {
    for_each_line(text, [this](int number, std::string_view line) { read_line(number, line); });
    for (Section& s : sections_) {
      for (const Key& d : defaults_.keys) {
        if (s.get(d.name) == nullptr) s.keys.push_back(d);
      }
    }
    return std::move(sections_);
  }

 private:
  void read_line(int number, std::string_view raw) {
    const std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') return;
    if (line.front() == '[' && line.back() == ']') return header(number, line);
    const std::size_t sep = line.find_first_of("=:");
    if (sep == std::string_view::npos) {
      return diags_.error(file_, number, "expected 'key = value', got '" + std::string(line) + "'");
    }
    if (current_ == nullptr) {
      return diags_.error(file_, number, "'" + std::string(line) + "' before the first [node]");
    }
    std::string key = to_lower(trim(line.substr(0, sep)));
    std::replace(key.begin(), key.end(), '.', '_');
    std::string value(trim(line.substr(sep + 1)));
    if (!unescape_percent(&value)) {
      return diags_.error(file_, number,
                          "'%' in '" + value + "': configparser needs '%%' for a '%'",
                          current_->name);
    }
    if (const Key* first = current_->get(key)) {
      return diags_.error(file_, number,
                          "key '" + key + "' given twice (first on line " +
                              std::to_string(first->line) + "); configparser refuses that",
                          current_->name);
    }
    current_->keys.push_back({key, value, number});
  }

  void header(int number, std::string_view line) {
    const std::string name(trim(line.substr(1, line.size() - 2)));
    if (name == "DEFAULT") {
      current_ = &defaults_;
      return;
    }
    for (const Section& s : sections_) {
      if (s.name == name) {
        diags_.error(
            file_, number,
            "section [" + name + "] given twice (first on line " + std::to_string(s.line) + ")");
      }
    }
    current_ = &sections_.emplace_back(Section{name, number, {}, {}});
  }

  static bool unescape_percent(std::string* value) {
    std::string out;
    for (std::size_t i = 0; i < value->size(); ++i) {
      if ((*value)[i] != '%') {
        out += (*value)[i];
      } else if (i + 1 < value->size() && (*value)[i + 1] == '%') {
        out += '%';
        ++i;
      } else {
        return false;
      }
    }
    *value = std::move(out);
    return true;
  }

  const std::string& file_;
  Diagnostics& diags_;
  std::vector<Section> sections_;
  Section defaults_;
  Section* current_ = nullptr;
};

// Writes what zeekctl's lb_method plugins do at start into the section itself.
class LbEffects {
 public:
  LbEffects(const std::string& file, const std::string& cfg_file, const ZeekctlValues& options,
            Diagnostics& diags)
      : file_(file), cfg_file_(cfg_file), options_(options), diags_(diags) {}

  void apply(std::vector<Section>& sections) {
    std::vector<Section*> pf_ring;
    for (Section& s : sections) {
      const Key* method = s.get("lb_method");
      const Key* type = s.get("type");
      if (method == nullptr || s.get("lb_procs") == nullptr || type == nullptr ||
          !iequals(type->value, "worker")) {
        continue;
      }
      const std::string m = to_lower(method->value);
      if (m == "af_packet") af_packet(s, *method);
      if (m == "custom") custom(s);
      if (m == "myricom") myricom(s);
      if (m == "pf_ring") pf_ring.push_back(&s);
    }
    // zeekctl walks the workers sorted by name when it numbers PF_RING clusters.
    std::stable_sort(pf_ring.begin(), pf_ring.end(),
                     [](const Section* a, const Section* b) { return a->name < b->name; });
    for (Section* s : pf_ring)
      pf_ring_env(*s);
  }

 private:
  std::string option(const std::string& key, const std::string& fallback) const {
    const auto it = options_.find(key);
    return it == options_.end() ? fallback : it->second.value;
  }

  Key& interface(Section& s, int line) {
    if (Key* k = s.get("interface")) return *k;
    return s.keys.emplace_back(Key{"interface", "", line});
  }

  void af_packet(Section& s, const Key& method) {
    Key& iface = interface(s, method.line);
    if (iface.value.starts_with("af_packet::")) {
      return diags_.error(file_, iface.line,
                          "unexpected af_packet:: prefix for interface " + iface.value +
                              " (lb_method=af_packet adds it, as zeekctl does)",
                          s.name);
    }
    iface.value = "af_packet::" + iface.value;
    s.notes.push_back(
        "lb_method=af_packet: interface prefixed with af_packet::, as zeekctl's "
        "af_packet plugin does");
  }

  void custom(Section& s) {
    Key& iface = interface(s, s.line);
    iface.value = option("lb_custom.interfaceprefix", "") + iface.value +
                  option("lb_custom.interfacesuffix", "");
    s.notes.push_back("lb_method=custom: interface with lb_custom.InterfacePrefix/Suffix");
  }

  void myricom(Section& s) {
    const std::string procs = s.get("lb_procs")->value;  // a copy: keys may grow below
    set_default_env(s, "SNF_NUM_RINGS", procs);
    set_default_env(s, "SNF_FLAGS", "0x101");
    s.notes.push_back(
        "lb_method=myricom: SNF_NUM_RINGS and SNF_FLAGS as zeekctl's plugin sets them");
  }

  void pf_ring_env(Section& s) {
    std::int64_t cluster_id = 0;
    if (!parse_int(option("pfringclusterid", "21"), &cluster_id) || cluster_id == 0) return;
    const std::string type = option("pfringclustertype", "4-tuple");
    const auto variable = pf_ring_types().find(type);
    if (variable == pf_ring_types().end()) {
      const auto it = options_.find("pfringclustertype");
      return diags_.error(cfg_file_, it == options_.end() ? 0 : it->second.line,
                          "PFRINGClusterType '" + type + "' not supported");
    }
    const Key* iface = s.get("interface");
    const std::string name = iface != nullptr ? iface->value : "";  // a copy: keys grow below
    if (name.starts_with("zc:") || name.starts_with("pf_ring::zc:") || name.starts_with("dna")) {
      return diags_.error(file_, s.get("lb_method")->line,
                          "lb_method=pf_ring with interface '" + name +
                              "': zeekctl gives each process its own @<n> application "
                              "instance, which one section cannot say; write one section per "
                              "worker with interface=" +
                              name + "@<n>",
                          s.name);
    }
    // One PF_RING cluster per host and interface, numbered from PFRINGClusterID.
    auto& ids = cluster_ids_[s.get("host") != nullptr ? s.get("host")->value : ""];
    if (!ids.contains(name)) {
      const auto next = cluster_id + static_cast<std::int64_t>(ids.size());
      ids[name] = next;
    }
    const std::string id = std::to_string(ids[name]);
    set_default_env(s, variable->second, "1");
    set_default_env(s, "PCAP_PF_RING_CLUSTER_ID", id);
    set_default_env(s, "PCAP_PF_RING_APPNAME", "zeek-" + name);
    s.notes.push_back("lb_method=pf_ring: PF_RING variables as zeekctl's plugin sets them");
  }

  // The plugins never override a variable of node.cfg or of zeekctl.cfg's env_vars.
  void set_default_env(Section& s, const std::string& name, const std::string& value) {
    EnvVars node;
    EnvVars global;
    std::string why;
    Key* env = s.get("env_vars");
    if (env != nullptr) parse_env_vars(env->value, &node, &why);
    parse_env_vars(option("env_vars", ""), &global, &why);
    const auto has = [&name](const EnvVars& v) {
      return std::any_of(v.begin(), v.end(), [&name](const auto& kv) { return kv.first == name; });
    };
    if (has(node) || has(global)) return;
    if (env == nullptr) env = &s.keys.emplace_back(Key{"env_vars", "", s.get("lb_method")->line});
    env->value += (env->value.empty() ? "" : ", ") + name + "=" + value;
  }

  std::string file_;
  std::string cfg_file_;
  const ZeekctlValues& options_;
  Diagnostics& diags_;
  std::map<std::string, std::map<std::string, std::int64_t>> cluster_ids_;
};

std::string reason_for(const std::string& key) {
  if (key == "zeekbase" || key == "ether" || key == "count") {
    return "undocumented zeekctl key that zeekctl sets or ignores itself";
  }
  if (key.starts_with("af_packet_")) {
    return "zeekctl's af_packet plugin writes 'redef AF_Packet::" + key.substr(10) +
           " = <value>;' for this node; put it in your local.zeek under @if ( Cluster::node "
           "== \"<node>\" )";
  }
  return "unknown to zeekctl, which ignores it too";
}

std::string node_cfg_text(const std::string& file, const std::vector<Section>& sections,
                          std::vector<NotCarried>& not_carried, std::vector<int>* line_map) {
  std::string text;
  const auto emit = [&](const std::string& line, int from) {
    text += line + "\n";
    line_map->push_back(from);
  };
  emit("# BroCluster node.cfg imported from " + file + " by `brocluster import-zeekctl`.", 0);
  emit("# zeekctl's keys are kept; docs/CONFIG.md describes each.", 0);
  for (const Section& s : sections) {
    emit("", 0);
    emit("[" + s.name + "]", s.line);
    for (const std::string& note : s.notes)
      emit("# " + note, s.line);
    for (const Key& k : s.keys) {
      if (std::find(kCarriedKeys.begin(), kCarriedKeys.end(), k.name) != kCarriedKeys.end()) {
        emit(k.name + " = " + k.value, k.line);
      } else {
        not_carried.push_back({file, k.line, s.name + ": " + k.name, k.value, reason_for(k.name)});
      }
    }
  }
  return text;
}

}  // namespace

std::string import_zeekctl_nodes(const ZeekctlSource& source, const ZeekctlValues& options,
                                 std::vector<NotCarried>& not_carried, Diagnostics& diags) {
  const std::string file = source.dir + "/node.cfg";
  std::vector<Section> sections = IniReader(file, diags).read(source.node_cfg);
  LbEffects(file, source.dir + "/zeekctl.cfg", options, diags).apply(sections);
  std::vector<int> line_map;
  const std::string text = node_cfg_text(file, sections, not_carried, &line_map);
  // Our parser on our text: what it says is about the zeekctl file's lines.
  Diagnostics made;
  const auto env = options.find("env_vars");
  const std::vector<NodeSpec> nodes = parse_node_config(
      text, file, env == options.end() ? "" : env->second.value, source.resolver, made);
  if (!made.has_errors()) validate_topology(nodes, file, made);
  remap_diagnostics(made, file, line_map, diags);
  return text;
}

}  // namespace bc::config::detail
