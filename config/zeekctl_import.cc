// import_zeekctl(): zeekctl.cfg read as zeekctl reads it (ZeekControl/config.py,
// _read_config and subst), each option carried or listed, then our three files made and
// checked with our own parsers, their messages pointed back at the zeekctl file and line.

#include "config/zeekctl_import.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "common/strings.h"
#include "config/cluster_config.h"
#include "config/networks.h"
#include "config/text_util.h"
#include "config/zeekctl_options.h"

namespace bc::config {
namespace {

using detail::ZeekctlValue;
using detail::ZeekctlValues;

bool valid_key(std::string_view key) {
  if (key.empty() || (key.front() >= '0' && key.front() <= '9')) return false;
  return key.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_.") == std::string::npos;
}

bool is_quoted(std::string_view v) {
  return v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front();
}

// "@SENDMAIL@": a placeholder of zeekctl's build, left in a copy of zeekctl.cfg.in.
bool has_build_placeholder(std::string_view v) {
  for (std::size_t at = v.find('@'); at != std::string_view::npos; at = v.find('@', at + 1)) {
    const std::size_t end = v.find('@', at + 1);
    if (end == std::string_view::npos || end == at + 1) return false;
    const std::string_view name = v.substr(at + 1, end - at - 1);
    if (name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ_") == std::string_view::npos) {
      return true;
    }
  }
  return false;
}

class ZeekctlCfgReader {
 public:
  ZeekctlCfgReader(std::string file, std::vector<NotCarried>& not_carried, Diagnostics& diags)
      : file_(std::move(file)), not_carried_(not_carried), diags_(diags) {}

  ZeekctlValues read(std::string_view text) {
    detail::for_each_line(
        text, [this](int number, std::string_view line) { read_line(number, trim(line)); });
    return std::move(values_);
  }

 private:
  void read_line(int number, std::string_view line) {
    if (line.empty() || line.front() == '#') return;
    const std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      return diags_.error(file_, number,
                          "expected 'Option = value', got '" + std::string(line) + "'");
    }
    const std::string key = to_lower(trim(line.substr(0, eq)));
    const std::string value(trim(line.substr(eq + 1)));
    if (!valid_key(key)) {
      return diags_.error(file_, number,
                          "option name '" + key +
                              "' is not valid (letters, digits, '_' and '.', not starting "
                              "with a digit)");
    }
    if (is_quoted(value)) {
      return diags_.error(file_, number,
                          "the value of " + key + " is wrapped in quotes, which zeekctl refuses");
    }
    if (has_build_placeholder(value)) {
      return diags_.error(file_, number,
                          "'" + value +
                              "' holds a placeholder of zeekctl's build (@...@): this is "
                              "zeekctl.cfg.in, not an installed zeekctl.cfg");
    }
    if (const ZeekctlOption* old = find_zeekctl_legacy(key)) {
      return diags_.error(file_, number,
                          "option '" + std::string(old->legacy_name) +
                              "' is no longer supported by zeekctl; use '" +
                              std::string(old->name) + "'");
    }
    const ZeekctlOption* option = find_zeekctl_option(key);
    if (option == nullptr && key.find('.') == std::string::npos) {
      not_carried_.push_back(
          {file_, number, key, value, "unknown to zeekctl, which ignores it too"});
      return;
    }
    if (option != nullptr && !normalise_zeekctl_value(option->type, value)) {
      return diags_.error(
          file_, number,
          std::string(option->name) + ": invalid value '" + value + "' for " +
              (option->type == ZeekctlType::kBool ? "a bool (1, 0, true, false)" : "an integer"));
    }
    values_[key] = ZeekctlValue{value, number};
  }

  std::string file_;
  std::vector<NotCarried>& not_carried_;
  Diagnostics& diags_;
  ZeekctlValues values_;
};

// zeekctl's subst(): ${Name} and ${Name:default}, Name = [A-Za-z][A-Za-z0-9]*,
// case-insensitive; an unknown name gives its default or "". Replaced text is scanned
// again, so references nest. Applied to every value (zeekctl applies it to its defaults
// and SitePolicyPath only; a literal ${...} path could not have worked there either).
class Substituter {
 public:
  Substituter(const ZeekctlValues& values, std::string zeek_base, std::string hostname)
      : values_(values), zeek_base_(std::move(zeek_base)), hostname_(std::move(hostname)) {}

  // nullopt on a reference loop; unknown names are added to *unknown.
  std::optional<std::string> subst(std::string text, std::vector<std::string>* unknown) const {
    for (int round = 0; round < 100; ++round) {
      std::size_t at = 0;
      std::size_t end = 0;
      std::string name;
      std::optional<std::string> fallback;
      if (!find_reference(text, &at, &end, &name, &fallback)) return text;
      std::optional<std::string> value = lookup(name);
      if (!value) {
        if (!fallback) unknown->push_back(name);
        value = fallback.value_or("");
      }
      text = text.substr(0, at) + *value + text.substr(end);
    }
    return std::nullopt;
  }

  // The raw value zeekctl would have for `name` (lower case): the file's, else a default.
  std::optional<std::string> lookup(const std::string& name) const {
    if (const auto it = values_.find(name); it != values_.end()) return it->second.value;
    if (name == "zeekbase") return zeek_base_;
    if (name == "zeekscriptdir") return zeek_base_ + "/share/zeek";
    if (name == "libdir") return zeek_base_ + "/lib";
    if (name == "libdirinternal") return zeek_base_ + "/lib/zeekctl";
    if (name == "mailfrom") return "Zeek <zeek@" + hostname_ + ">";
    if (const ZeekctlOption* o = find_zeekctl_option(name)) return std::string(o->zeekctl_default);
    return std::nullopt;
  }

 private:
  static bool find_reference(const std::string& text, std::size_t* at, std::size_t* end,
                             std::string* name, std::optional<std::string>* fallback) {
    for (std::size_t pos = text.find("${"); pos != std::string::npos;
         pos = text.find("${", pos + 1)) {
      std::size_t i = pos + 2;
      const auto alpha = [](char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; };
      const auto digit = [](char c) { return c >= '0' && c <= '9'; };
      if (i >= text.size() || !alpha(text[i])) continue;
      while (i < text.size() && (alpha(text[i]) || digit(text[i])))
        ++i;
      *name = to_lower(text.substr(pos + 2, i - pos - 2));
      fallback->reset();
      if (i < text.size() && text[i] == ':') {
        const std::size_t close = text.find('}', i + 1);
        if (close == std::string::npos || close == i + 1) continue;
        *fallback = text.substr(i + 1, close - i - 1);
        i = close;
      }
      if (i >= text.size() || text[i] != '}') continue;
      *at = pos;
      *end = i + 1;
      return true;
    }
    return false;
  }

  const ZeekctlValues& values_;
  std::string zeek_base_;
  std::string hostname_;
};

// zeekctl's LogExpireInterval ("30", "30 day", "12hr", "90 mins") as our whole days.
std::optional<std::int64_t> expire_days(std::string_view text) {
  std::int64_t n = 0;
  if (parse_int(text, &n)) return n < 0 ? std::nullopt : std::optional(n);
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9')
    ++digits;
  if (digits == 0 || !parse_int(text.substr(0, digits), &n)) return std::nullopt;
  std::string_view unit = trim(text.substr(digits));
  if (unit.ends_with('s')) unit.remove_suffix(1);
  const std::int64_t minutes = unit == "day" ? 1440 : unit == "hr" ? 60 : unit == "min" ? 1 : 0;
  if (minutes == 0) return std::nullopt;
  return (n * minutes + 1439) / 1440;
}

class OptionCarrier {
 public:
  OptionCarrier(const std::string& file, const ZeekctlValues& values, const Substituter& subst,
                ZeekctlImport& out, Diagnostics& diags)
      : file_(file), values_(values), subst_(subst), out_(out), diags_(diags) {}

  void carry_all() {
    for (const ZeekctlOption& option : zeekctl_options())
      carry(option);
    // Plugin options: lb_custom's are used for node.cfg; the others have no plugin here.
    for (const auto& [key, v] : values_) {
      if (key.find('.') == std::string::npos) continue;
      const bool custom = key.starts_with("lb_custom.");
      out_.not_carried.push_back(
          {file_, v.line, key, v.value,
           custom ? "used by the import for the interfaces of lb_method=custom workers"
                  : "option of the zeekctl plugin '" + key.substr(0, key.find('.')) +
                        "', which does not run under BroCluster"});
    }
  }

 private:
  void carry(const ZeekctlOption& option) {
    const std::string key = to_lower(option.name);
    const auto it = values_.find(key);
    const bool set = it != values_.end();
    if (option.ours.empty()) {
      if (set) {
        out_.not_carried.push_back({file_, it->second.line, std::string(option.name),
                                    it->second.value, std::string(option.note)});
      }
      return;
    }
    if (!set && !option.keep_default) return;
    const int line = set ? it->second.line : 0;
    std::vector<std::string> unknown;
    const std::optional<std::string> raw =
        subst_.subst(set ? it->second.value : subst_.lookup(key).value_or(""), &unknown);
    if (!raw) return error(line, std::string(option.name) + ": ${...} references form a loop");
    for (const std::string& name : unknown) {
      diags_.warning(file_, line,
                     std::string(option.name) + ": ${" + name +
                         "} is not a zeekctl option; replaced by nothing, as zeekctl does");
    }
    if (raw->find("${") != std::string::npos) {
      return error(line, std::string(option.name) + ": '" + *raw +
                             "' keeps a '${' that our cluster.cfg would read as a reference");
    }
    convert(option, line, *raw);
  }

  void convert(const ZeekctlOption& option, int line, const std::string& value) {
    const std::string name(option.name);
    if (name == "SendMail") {
      if (value.empty()) return add(option, line, "SendMail", "0", "empty: no mail");
      return add(option, line, "SendMailCommand", value + " -t", std::string(option.note));
    }
    if (name == "MemLimit") {
      std::int64_t kib = 0;
      if (iequals(value, "unlimited")) return add(option, line, "MemLimit", "0", "unlimited");
      if (!parse_int(value, &kib) || kib < 0) {
        return error(line, "MemLimit: invalid value '" + value + "' (KiB or unlimited)");
      }
      return add(option, line, "MemLimit", std::to_string((kib + 1023) / 1024),
                 std::string(option.note));
    }
    if (name == "LogExpireInterval") {
      const auto days = expire_days(value);
      if (!days) {
        return error(line, "LogExpireInterval: invalid value '" + value +
                               "' (an integer, optionally followed by day, hr or min)");
      }
      return add(option, line, "LogExpireInterval", std::to_string(*days),
                 std::string(option.note));
    }
    add(option, line, std::string(option.ours),
        normalise_zeekctl_value(option.type, value).value_or(value), std::string(option.note));
  }

  void add(const ZeekctlOption& option, int line, std::string ours, std::string value,
           std::string note) {
    // zeekctl keeps a '#' inside a value; our cluster.cfg starts a comment at " #".
    if (value.find(" #") != std::string::npos || value.find("\t#") != std::string::npos) {
      diags_.warning(file_, line,
                     std::string(option.name) +
                         ": our cluster.cfg reads ' #' as the start of a comment; edit " + ours +
                         " there");
    }
    out_.carried.push_back(
        {std::string(option.name), line, std::move(ours), std::move(value), std::move(note)});
  }

  void error(int line, const std::string& message) { diags_.error(file_, line, message); }

  const std::string& file_;
  const ZeekctlValues& values_;
  const Substituter& subst_;
  ZeekctlImport& out_;
  Diagnostics& diags_;
};

std::string cluster_cfg_text(const ZeekctlImport& in, const std::string& file,
                             std::vector<int>* line_map) {
  std::string text;
  const auto emit = [&](const std::string& line, int from) {
    text += line + "\n";
    line_map->push_back(from);
  };
  emit("# BroCluster cluster.cfg imported from " + file + " by `brocluster import-zeekctl`.", 0);
  emit("# Each value names its origin; docs/ZEEK.md lists every zeekctl option.", 0);
  emit("", 0);
  emit("# Zeek runs every node, as zeekctl ran it (docs/ZEEK.md).", 0);
  emit("NodeProfile = zeek", 0);
  for (const CarriedOption& c : in.carried) {
    emit("", 0);
    emit(c.line > 0 ? "# zeekctl.cfg:" + std::to_string(c.line) + ": " + c.zeekctl
                    : "# zeekctl's default of " + c.zeekctl + " (ours differs)",
         c.line);
    if (!c.note.empty()) emit("# " + c.note, c.line);
    emit(c.ours + " = " + c.value, c.line);
  }
  if (!in.not_carried.empty()) {
    emit("", 0);
    emit("# Not carried over (no equivalent in BroCluster):", 0);
    for (const NotCarried& n : in.not_carried) {
      emit("#   " + n.file.substr(n.file.find_last_of('/') + 1) + ":" + std::to_string(n.line) +
               ": " + n.name + " = " + n.value + " -- " + n.reason,
           n.line);
    }
  }
  return text;
}

std::string zeek_base_of(const ZeekctlSource& source, const ZeekctlValues& values) {
  if (const auto it = values.find("zeekbase"); it != values.end()) return it->second.value;
  std::string dir = source.dir;
  while (dir.size() > 1 && dir.back() == '/')
    dir.pop_back();
  const std::size_t slash = dir.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : dir.substr(0, slash);
}

std::string networks_text(const ZeekctlSource& source, Diagnostics& diags) {
  const std::string file = source.dir + "/networks.cfg";
  std::string header = "# BroCluster networks.cfg imported from " + file + "\n";
  if (!source.networks_cfg) {
    diags.warning(file, 0, "no networks.cfg: no local networks are written");
    return header;
  }
  parse_networks(*source.networks_cfg, file, diags);  // same syntax as ours; messages as is
  std::string body = *source.networks_cfg;
  if (!body.empty() && body.back() != '\n') body += '\n';
  return header + body;
}

}  // namespace

namespace detail {

// Our parser's messages about a text we made, pointed back at the zeekctl file and line.
void remap_diagnostics(const Diagnostics& made, const std::string& file,
                       const std::vector<int>& line_map, Diagnostics& diags) {
  for (const Diagnostic& d : made.items()) {
    const int line = d.line > 0 && static_cast<std::size_t>(d.line) <= line_map.size()
                         ? line_map[d.line - 1]
                         : 0;
    if (d.severity == Severity::kError) {
      diags.error(file, line, d.message, d.node);
    } else {
      diags.warning(file, line, d.message, d.node);
    }
  }
}

}  // namespace detail

ZeekctlImport import_zeekctl(const ZeekctlSource& source, Diagnostics& diags) {
  ZeekctlImport out;
  const std::string cfg_file = source.dir + "/zeekctl.cfg";
  const ZeekctlValues raw =
      ZeekctlCfgReader(cfg_file, out.not_carried, diags).read(source.zeekctl_cfg);
  out.zeek_base = zeek_base_of(source, raw);
  const Substituter subst(raw, out.zeek_base, source.hostname);
  OptionCarrier(cfg_file, raw, subst, out, diags).carry_all();

  // node.cfg's lb_method plugins read a few options, substituted.
  ZeekctlValues options;
  for (const auto& [key, v] : raw) {
    std::vector<std::string> unknown;
    options[key] = ZeekctlValue{subst.subst(v.value, &unknown).value_or(v.value), v.line};
  }
  out.node_cfg = detail::import_zeekctl_nodes(source, options, out.not_carried, diags);

  // In the order of the files: zeekctl.cfg's lines, zeekctl's defaults last.
  std::stable_sort(out.carried.begin(), out.carried.end(), [](const auto& a, const auto& b) {
    return (a.line == 0 ? INT32_MAX : a.line) < (b.line == 0 ? INT32_MAX : b.line);
  });
  std::stable_sort(
      out.not_carried.begin(), out.not_carried.end(), [&](const auto& a, const auto& b) {
        return std::pair(a.file != cfg_file, a.line) < std::pair(b.file != cfg_file, b.line);
      });
  std::vector<int> line_map;
  out.cluster_cfg = cluster_cfg_text(out, cfg_file, &line_map);
  Diagnostics made;
  parse_cluster_config(out.cluster_cfg, cfg_file, {{"BroBase", source.base_dir}}, made);
  detail::remap_diagnostics(made, cfg_file, line_map, diags);
  out.networks_cfg = networks_text(source, diags);
  return out;
}

}  // namespace bc::config
