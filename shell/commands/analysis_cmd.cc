// `analysis [enable|disable <type>]`: lists the kinds of analysis of etc/analysis.dat, or
// switches one on or off by rewriting only its 0/1 in the edited file. Running nodes see
// the change after install and update.

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <ostream>

#include "common/file_util.h"
#include "common/strings.h"
#include "config/analysis.h"
#include "messages/codec.h"
#include "shell/commands/handlers.h"
#include "shell/shell_context.h"
#include "shell/table.h"

namespace bc::shell {
namespace {

std::string known_types(const std::vector<config::AnalysisType>& types) {
  std::vector<std::string> names;
  for (const auto& t : types)
    names.push_back(t.name);
  return join(names, ", ");
}

int list_analysis(ShellContext& ctx, const config::Cluster& cluster) {
  if (ctx.json()) {
    msg::Value list = msg::Value::empty_array();
    for (const auto& t : cluster.analysis) {
      list.push_back(msg::Value::empty_map()
                         .set("type", t.name)
                         .set("enabled", t.enabled)
                         .set("description", t.description));
    }
    ctx.out() << msg::to_json(list) << '\n';
    return 0;
  }
  Table table({"Type", "Status", "Description"});
  for (const auto& t : cluster.analysis)
    table.add({t.name, t.enabled ? "enabled" : "disabled", t.description});
  ctx.out() << table.render();
  return 0;
}

// `text` with the flag of every line about `type` set to `flag` and nothing else touched
// (comments, order, spacing, descriptions, line endings); the line is appended when the
// file has none. REQUIRES: `text` parsed without errors, so every data line has a flag.
std::string with_flag(std::string_view text, const config::AnalysisType& type, char flag) {
  std::string out;
  bool found = false;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string line(text.substr(0, end == std::string_view::npos ? text.size() : end + 1));
    text.remove_prefix(line.size());
    const std::size_t name_at = line.find_first_not_of(" \t");
    if (name_at != std::string::npos && line[name_at] != '#') {
      const std::size_t name_end = line.find_first_of(" \t\r\n", name_at);
      const std::size_t flag_at = line.find_first_not_of(" \t", name_end);
      if (iequals(std::string_view(line).substr(name_at, name_end - name_at), type.name) &&
          flag_at != std::string::npos) {
        line[flag_at] = flag;
        found = true;
      }
    }
    out += line;
  }
  if (!found) {
    if (!out.empty() && out.back() != '\n') out += '\n';
    out += type.name + " " + flag + " " + type.description + "\n";
  }
  return out;
}

int set_analysis(ShellContext& ctx, const config::Cluster& cluster, const std::string& type_name,
                 bool enable) {
  const auto it = std::find_if(cluster.analysis.begin(), cluster.analysis.end(),
                               [&](const auto& t) { return iequals(t.name, type_name); });
  if (it == cluster.analysis.end()) {
    return ctx.fail("unknown analysis type '" + type_name +
                    "' (known: " + known_types(cluster.analysis) + ")");
  }
  const std::string name = it->name;  // `cluster` goes away with the reload below
  const std::string path = cluster.options.get("AnalysisCfg");
  // The file is read and validated again right before the rewrite, so that an edit made
  // since the configuration was loaded is neither lost nor rewritten if it broke the file.
  Result<std::string> text = read_file(path);
  if (!text.is_ok() && text.status().code() != ErrorCode::kNotFound)
    return ctx.fail(text.status().message());
  const bool existed = text.is_ok();
  std::string current = existed ? *text : config::render_analysis(config::default_analysis());
  config::Diagnostics diags;
  std::vector<config::AnalysisType> parsed = config::parse_analysis(current, path, diags);
  if (diags.has_errors()) {
    for (const auto& d : diags.items())
      ctx.err() << d.render() << '\n';
    return 1;
  }
  const auto before =
      std::find_if(parsed.begin(), parsed.end(), [&](const auto& t) { return t.name == name; });
  const char* state = enable ? "enabled" : "disabled";
  const bool change = !existed || before->enabled != enable;
  if (change) {
    mode_t mode = 0644;
    struct stat st {};
    if (existed && stat(path.c_str(), &st) == 0) mode = st.st_mode & 07777;
    const std::string updated = with_flag(current, *before, enable ? '1' : '0');
    if (Status s = write_file_atomic(path, updated, mode); !s.is_ok()) return ctx.fail(s.message());
    ctx.reload();
  }
  if (ctx.json()) {
    ctx.out() << msg::to_json(msg::Value::empty_map()
                                  .set("type", name)
                                  .set("enabled", enable)
                                  .set("changed", change)
                                  .set("file", path))
              << '\n';
  } else if (change) {
    ctx.out() << "analysis " << name << ' ' << state << "; takes effect after install and update\n";
  } else {
    ctx.out() << "analysis " << name << " is already " << state << '\n';
  }
  return 0;
}

}  // namespace

int cmd_analysis(ShellContext& ctx, const std::vector<std::string>& args) {
  if (!args.empty() && !(args.size() == 2 && (args[0] == "enable" || args[0] == "disable"))) {
    return ctx.fail("usage: analysis [enable|disable <type>]");
  }
  ctx.reload();  // the edited files as they are now, not as the session first read them
  const config::Cluster* cluster = ctx.cluster();
  if (cluster == nullptr) return 1;
  if (args.empty()) return list_analysis(ctx, *cluster);
  return set_analysis(ctx, *cluster, args[1], args[0] == "enable");
}

}  // namespace bc::shell
