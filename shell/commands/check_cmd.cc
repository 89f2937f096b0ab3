// `check [<nodes>]`: validates the edited configuration (the four files in etc/) and every
// selected node's policy scripts as found in SitePolicyPath, through brocluster-node's check
// mode, locally: nothing needs to be installed or running. Nodes that load the same
// scripts are checked once. Nodes of profile zeek are checked by Zeek itself, `zeek -a`
// once per node type on the snapshot about to be installed (shell/zeek_check.h).

#include <map>
#include <ostream>

#include "common/strings.h"
#include "config/node_profile.h"
#include "config/node_scripts.h"
#include "config/secret_files.h"
#include "messages/codec.h"
#include "shell/commands/handlers.h"
#include "shell/node_args.h"
#include "shell/node_program.h"
#include "shell/program_checks.h"
#include "shell/run_command.h"
#include "shell/shell_context.h"
#include "shell/zeek_check.h"

namespace bc::shell {
namespace {

struct ScriptCheck {
  bool ok = false;
  std::string errors;
};

ScriptCheck check_scripts(const std::string& program, const std::string& base,
                          const config::NodeSpec& node) {
  auto run = run_command({program, "--check", "--base", base, "--node", node.name},
                         std::chrono::seconds(60));
  if (!run.is_ok()) return {false, run.status().message() + "\n"};
  if (run->exit_code == 0) return {true, {}};
  std::string errors;
  std::string_view rest = run->output;
  while (!rest.empty()) {
    const auto eol = rest.find('\n');
    const std::string_view line = rest.substr(0, eol);
    if (!trim(line).empty()) errors += std::string(line) + "\n";
    rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
  }
  if (errors.empty())
    errors = program + " --check exited with " + std::to_string(run->exit_code) + "\n";
  return {false, errors};
}

// Zeek's own check of the selected nodes of profile zeek: a line per node type, Zeek's
// output under it, each line prefixed with the type.
bool check_zeek_nodes(ShellContext& ctx, const config::Cluster& cluster,
                      const std::vector<config::NodeSpec>& nodes, msg::Value& findings,
                      msg::Value& list) {
  if (nodes.empty()) return true;
  auto results = run_zeek_checks(cluster, ctx.base_dir(), nodes, ZeekRun::kCheck, "");
  if (!results.is_ok()) {
    const std::string text = "cannot run Zeek's check: " + results.status().message();
    if (!ctx.json()) ctx.err() << "error: " << text << '\n';
    findings.push_back(msg::Value::empty_map().set("severity", "error").set("message", text));
    return false;
  }
  bool all_ok = true;
  for (const ZeekTypeResult& r : *results) {
    all_ok = all_ok && r.ok;
    msg::Value output = msg::Value::empty_array();
    for (const std::string& line : r.output)
      output.push_back(line);
    list.push_back(msg::Value::empty_map()
                       .set("type", r.type)
                       .set("node", r.node)
                       .set("ok", r.ok)
                       .set("output", std::move(output)));
    if (ctx.json()) continue;
    ctx.out() << r.type << " scripts " << (r.ok ? "are ok" : "failed") << " (zeek -a, as " << r.node
              << ")." << '\n';
    for (const std::string& line : r.output)
      ctx.out() << r.type << ": " << line << '\n';
  }
  return all_ok;
}

}  // namespace

bool check_configuration(ShellContext& ctx, const std::vector<std::string>& args,
                         msg::Value* json) {
  ctx.reload();                                    // the edited files as they are now
  const config::Cluster* cluster = ctx.cluster();  // prints file:line errors itself
  if (cluster == nullptr) {
    if (!ctx.json()) ctx.out() << "configuration failed.\n";
    if (json != nullptr) json->set("config_ok", false);
    return false;
  }
  for (const std::string& warning :
       config::world_readable_secrets(cluster->options.get("CfgDir"))) {
    if (!ctx.json()) ctx.err() << "warning: " << warning << '\n';
  }
  auto selected = selected_nodes(ctx, args);
  if (!selected) return false;
  const std::vector<config::NodeSpec> zeek_nodes = zeek_profile_nodes(*cluster, *selected);
  std::vector<config::NodeSpec> our_nodes;  // profile brocluster: brocluster-node checks them
  for (const config::NodeSpec& node : *selected) {
    if (config::effective_profile(cluster->options, node) != config::NodeProfile::kZeek)
      our_nodes.push_back(node);
  }
  const std::string program = our_nodes.empty() ? std::string() : find_node_program(*cluster);
  if (!our_nodes.empty() && program.empty()) {
    ctx.fail("cannot find brocluster-node to check the scripts with (NodeProgram, BinDir)");
    return false;
  }
  bool all_ok = true;
  msg::Value findings = msg::Value::empty_array();
  for (const ProgramFinding& f : program_findings(*cluster, *selected)) {
    all_ok = all_ok && !f.error;
    if (!ctx.json()) ctx.err() << (f.error ? "error: " : "warning: ") << f.text << '\n';
    findings.push_back(msg::Value::empty_map()
                           .set("severity", f.error ? "error" : "warning")
                           .set("message", f.text));
  }
  std::map<std::string, ScriptCheck> by_scripts;
  msg::Value list = msg::Value::empty_array();
  for (const config::NodeSpec& node : our_nodes) {
    const std::string key = std::string(config::node_type_name(node.type)) + "|" +
                            join(config::node_scripts(cluster->options, node), " ") + "|" +
                            node.interface;
    auto it = by_scripts.find(key);
    if (it == by_scripts.end()) {
      it = by_scripts.emplace(key, check_scripts(program, ctx.base_dir(), node)).first;
    }
    const ScriptCheck& c = it->second;
    all_ok = all_ok && c.ok;
    if (!ctx.json()) {
      ctx.out() << node.name << " scripts " << (c.ok ? "are ok." : "failed.") << '\n';
      if (!c.ok) ctx.out() << c.errors;
    }
    list.push_back(
        msg::Value::empty_map().set("node", node.name).set("ok", c.ok).set("errors", c.errors));
  }
  msg::Value zeek = msg::Value::empty_array();
  all_ok = check_zeek_nodes(ctx, *cluster, zeek_nodes, findings, zeek) && all_ok;
  if (json != nullptr) {
    json->set("config_ok", true)
        .set("nodes", std::move(list))
        .set("zeek", std::move(zeek))
        .set("findings", std::move(findings));
  }
  return all_ok;
}

int cmd_check(ShellContext& ctx, const std::vector<std::string>& args) {
  msg::Value json = msg::Value::empty_map();
  const bool ok = check_configuration(ctx, args, &json);
  if (ctx.json()) {
    json.set("ok", ok);
    ctx.out() << msg::to_json(json) << '\n';
  }
  return ok ? 0 : 1;
}

}  // namespace bc::shell
