// `scripts [-p|-c] [<nodes>]`: the scripts each node loads, in load order, as the node
// program resolves them (brocluster-node --print-scripts) — from the installed snapshot
// by default, from the edited files with -c, with absolute paths with -p. For nodes of
// profile zeek, per node type, the loaded_scripts.log of Zeek's check run on that snapshot
// (shell/zeek_check.h), as zeekctl's `scripts` lists it (its paths are always absolute).

#include <filesystem>
#include <ostream>

#include "config/node_profile.h"
#include "messages/codec.h"
#include "shell/commands/handlers.h"
#include "shell/local_process.h"
#include "shell/node_args.h"
#include "shell/node_program.h"
#include "shell/shell_context.h"
#include "shell/zeek_check.h"

namespace bc::shell {
namespace {

namespace fs = std::filesystem;

struct ScriptsArgs {
  bool full_paths = false;
  bool edited = false;
  std::vector<std::string> nodes;
};

std::optional<ScriptsArgs> parse_scripts_args(const std::vector<std::string>& args) {
  ScriptsArgs out;
  for (const std::string& a : args) {
    if (a.size() < 2 || a[0] != '-') {
      out.nodes.push_back(a);
      continue;
    }
    for (char c : a.substr(1)) {  // -p, -c and -pc alike
      if (c == 'p') {
        out.full_paths = true;
      } else if (c == 'c') {
        out.edited = true;
      } else {
        return std::nullopt;
      }
    }
  }
  return out;
}

// The version `current` points to, so that every node is listed from the same snapshot
// even if an install switches `current` meanwhile.
std::string pinned_scripts_snapshot(const std::string& current) {
  std::error_code ec;
  const fs::path target = fs::read_symlink(current, ec);
  if (ec) return current;  // a plain directory
  return (fs::path(current).parent_path() / target).lexically_normal().string();
}

// The snapshot's own copy of brocluster-node parses its scripts when install bundled one.
std::string program_for(const config::Cluster& cluster, const std::string& snapshot) {
  if (!snapshot.empty()) {
    const std::string bundled = snapshot + "/bin/brocluster-node";
    std::error_code ec;
    if (fs::is_regular_file(bundled, ec)) return bundled;
  }
  return find_node_program(cluster);
}

std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    if (!line.empty()) out.emplace_back(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return out;
}

struct NodeScripts {
  bool ok = false;
  std::vector<std::string> scripts;
  std::vector<std::string> errors;
};

NodeScripts list_scripts(const std::vector<std::string>& argv) {
  LocalProcessOptions options;
  options.timeout = std::chrono::seconds(60);
  // The shell's environment must not choose the node, snapshot or scripts for it.
  options.unset_env = {"CLUSTER_NODE",    "CLUSTER_NODE_TYPE", "CLUSTER_SCRIPTS",
                       "CLUSTER_BASE",    "CLUSTER_INSTALL",   "CLUSTER_SPOOL",
                       "CLUSTER_CONTROL", "CLUSTER_NOTIFY_FD"};
  Result<LocalProcessResult> run = run_local_process(argv, options);
  NodeScripts out;
  if (!run.is_ok()) {
    out.errors.push_back(run.status().message());
    return out;
  }
  out.ok = run->exit_code == 0;
  if (out.ok) {
    out.scripts = lines_of(run->out);
  } else {
    out.errors = lines_of(run->err);
    if (out.errors.empty()) {
      out.errors.push_back(argv[0] + (run->signal != 0
                                          ? " died of signal " + std::to_string(run->signal)
                                          : " exited with " + std::to_string(run->exit_code)));
    }
  }
  return out;
}

// The entry of one node (or, for Zeek, one node type) in the listing.
void print_entry(ShellContext& ctx, const std::string& title, msg::Value entry, bool ok,
                 const std::vector<std::string>& lines, msg::Value& json) {
  if (ctx.json()) {
    msg::Value list = msg::Value::empty_array();
    for (const std::string& s : lines)
      list.push_back(s);
    json.push_back(std::move(entry.set("ok", ok).set(ok ? "scripts" : "errors", std::move(list))));
    return;
  }
  ctx.out() << title << '\n';
  for (const std::string& s : lines)
    ctx.out() << "  " << s << '\n';
}

// Zeek's loaded_scripts.log per node type; the number of types that failed, or an error
// when Zeek could not be run at all.
Result<int> list_zeek_scripts(ShellContext& ctx, const config::Cluster& cluster,
                              const std::vector<config::NodeSpec>& nodes,
                              const std::string& snapshot, msg::Value& json) {
  if (nodes.empty()) return 0;
  auto results = run_zeek_checks(cluster, ctx.base_dir(), nodes, ZeekRun::kScripts, snapshot);
  if (!results.is_ok()) return results.status();
  int failed = 0;
  for (const ZeekTypeResult& r : *results) {
    if (!r.ok) ++failed;
    print_entry(
        ctx, r.type + " (zeek, as " + r.node + ")",
        msg::Value::empty_map().set("type", r.type).set("node", r.node).set("profile", "zeek"),
        r.ok, r.ok ? r.scripts : r.output, json);
  }
  return failed;
}

}  // namespace

int cmd_scripts(ShellContext& ctx, const std::vector<std::string>& args) {
  const std::optional<ScriptsArgs> parsed = parse_scripts_args(args);
  if (!parsed) return ctx.fail("usage: scripts [-p|-c] [<nodes>]");
  if (parsed->edited) ctx.reload();  // -c: the edited files as they are now
  const config::Cluster* cluster = ctx.cluster();
  if (cluster == nullptr) return 1;
  const auto selected = selected_nodes(ctx, parsed->nodes);
  if (!selected) return 1;
  const std::vector<config::NodeSpec> zeek_nodes = zeek_profile_nodes(*cluster, *selected);
  std::vector<config::NodeSpec> nodes;  // profile brocluster: brocluster-node lists them
  for (const config::NodeSpec& node : *selected) {
    if (config::effective_profile(cluster->options, node) != config::NodeProfile::kZeek)
      nodes.push_back(node);
  }
  std::string snapshot;
  if (!parsed->edited) {
    snapshot = installed_snapshot(*cluster);
    if (snapshot.empty())
      return ctx.fail("nothing is installed yet; run install, or use scripts -c");
    snapshot = pinned_scripts_snapshot(snapshot);
  }
  const std::string program = nodes.empty() ? std::string() : program_for(*cluster, snapshot);
  if (!nodes.empty() && program.empty())
    return ctx.fail("cannot find brocluster-node to list the scripts with (NodeProgram, BinDir)");

  const std::string base = fs::absolute(ctx.base_dir()).lexically_normal().string();
  int failed = 0;
  msg::Value json = msg::Value::empty_array();
  for (const config::NodeSpec& node : nodes) {
    std::vector<std::string> argv = {program, "--print-scripts"};
    if (parsed->full_paths) argv.push_back("--full-paths");
    argv.insert(argv.end(), {"--base", base, "--node", node.name});
    if (!snapshot.empty()) argv.insert(argv.end(), {"--install", snapshot});
    const NodeScripts result = list_scripts(argv);
    if (!result.ok) ++failed;
    print_entry(ctx, node.name, msg::Value::empty_map().set("node", node.name), result.ok,
                result.ok ? result.scripts : result.errors, json);
  }
  // Without -c, Zeek runs on the installed snapshot; with -c on the edited files, staged.
  auto zeek_failed = list_zeek_scripts(ctx, *cluster, zeek_nodes, snapshot, json);
  if (!zeek_failed.is_ok()) {
    ctx.out().flush();
    return ctx.fail("cannot list the scripts of the Zeek nodes: " + zeek_failed.status().message());
  }
  failed += *zeek_failed;
  if (ctx.json()) {
    ctx.out() << msg::to_json(json) << '\n';
  } else if (failed > 0) {
    ctx.out().flush();
    ctx.fail("the scripts of " + std::to_string(failed) + " node(s) do not load");
  }
  return failed > 0 ? 1 : 0;
}

}  // namespace bc::shell
