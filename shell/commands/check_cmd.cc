// `check [<nodes>]`: validates the edited configuration (the four files in etc/) and every
// selected node's policy scripts as found in SitePolicyPath, through brocluster-node's check
// mode, locally: nothing needs to be installed or running. Nodes that load the same
// scripts are checked once.

#include <map>
#include <ostream>

#include "common/strings.h"
#include "config/node_scripts.h"
#include "config/secret_files.h"
#include "messages/codec.h"
#include "shell/commands/handlers.h"
#include "shell/node_args.h"
#include "shell/node_program.h"
#include "shell/program_checks.h"
#include "shell/run_command.h"
#include "shell/shell_context.h"

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
  auto nodes = selected_nodes(ctx, args);
  if (!nodes) return false;
  const std::string program = find_node_program(*cluster);
  if (program.empty()) {
    ctx.fail("cannot find brocluster-node to check the scripts with (NodeProgram, BinDir)");
    return false;
  }
  bool all_ok = true;
  msg::Value findings = msg::Value::empty_array();
  for (const ProgramFinding& f : program_findings(*cluster, *nodes)) {
    all_ok = all_ok && !f.error;
    if (!ctx.json()) ctx.err() << (f.error ? "error: " : "warning: ") << f.text << '\n';
    findings.push_back(msg::Value::empty_map()
                           .set("severity", f.error ? "error" : "warning")
                           .set("message", f.text));
  }
  std::map<std::string, ScriptCheck> by_scripts;
  msg::Value list = msg::Value::empty_array();
  for (const config::NodeSpec& node : *nodes) {
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
  if (json != nullptr) {
    json->set("config_ok", true).set("nodes", std::move(list)).set("findings", std::move(findings));
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
