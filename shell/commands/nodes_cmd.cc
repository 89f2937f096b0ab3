// `nodes`: every configured node with all its attributes, lb_procs groups expanded, and
// the restart policy in effect for it (docs/CONFIG.md, "Restart policy").

#include <chrono>
#include <cstdio>
#include <ostream>

#include "common/strings.h"
#include "config/node_profile.h"
#include "config/restart_settings.h"
#include "messages/codec.h"
#include "shell/commands/handlers.h"
#include "shell/shell_context.h"

namespace bc::shell {
namespace {

using Attributes = std::vector<std::pair<std::string, std::string>>;

std::string join_ints(const std::vector<int>& values) {
  std::vector<std::string> parts;
  for (int v : values)
    parts.push_back(std::to_string(v));
  return join(parts, ",");
}

std::string join_env(const config::EnvVars& env) {
  std::vector<std::string> parts;
  for (const auto& [key, value] : env)
    parts.push_back(key + "=" + value);
  return join(parts, ", ");
}

std::string seconds_text(std::chrono::milliseconds d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", static_cast<double>(d.count()) / 1000.0);
  return buf;
}

// "always, backoff 0-60 s, storm 5 in 60 s"
std::string restart_text(const config::RestartSettings& r) {
  std::string text(config::restart_mode_name(r.mode));
  if (r.mode == config::RestartMode::kNever) return text;
  return text + ", backoff " + seconds_text(r.initial) + "-" + seconds_text(r.max) + " s, storm " +
         std::to_string(r.storm_count) + " in " + seconds_text(r.storm_window) + " s";
}

msg::Value restart_json(const config::RestartSettings& r) {
  const auto secs = [](std::chrono::milliseconds d) {
    return static_cast<double>(d.count()) / 1000.0;
  };
  return msg::Value::empty_map()
      .set("policy", std::string(config::restart_mode_name(r.mode)))
      .set("backoff_initial", secs(r.initial))
      .set("backoff_factor", r.factor)
      .set("backoff_max", secs(r.max))
      .set("backoff_jitter", r.jitter)
      .set("stable_time", secs(r.stable))
      .set("storm_count", r.storm_count)
      .set("storm_window", secs(r.storm_window));
}

// Shown only for a profile other than the default of our own node program.
std::string profile_text(const config::Cluster& cluster, const config::NodeSpec& node) {
  const config::NodeProfile p = config::effective_profile(cluster.options, node);
  return p == config::NodeProfile::kBrocluster ? "" : std::string(config::node_profile_name(p));
}

// Attributes in the order zeekctl users know from its `nodes` output; empty ones omitted.
Attributes attributes_of(const config::Cluster& cluster, const config::NodeSpec& node) {
  Attributes attrs = {{"type", std::string(config::node_type_name(node.type))},
                      {"host", node.host},
                      {"address", node.address},
                      {"interface", node.interface},
                      {"aux_scripts", join(node.aux_scripts, " ")},
                      {"lb_group", node.lb_group},
                      {"lb_index", node.lb_index > 0 ? std::to_string(node.lb_index) : ""},
                      {"lb_procs", node.lb_procs > 0 ? std::to_string(node.lb_procs) : ""},
                      {"lb_method", node.lb_method},
                      {"pin_cpus", join_ints(node.pin_cpus)},
                      {"env_vars", join_env(node.env_vars)},
                      {"program", node.program},
                      {"zone_id", node.zone_id},
                      {"profile", profile_text(cluster, node)},
                      {"restart", restart_text(config::restart_settings(cluster, node))}};
  std::erase_if(attrs, [](const auto& kv) { return kv.second.empty(); });
  return attrs;
}

// JSON keeps the types: lists stay arrays, numbers stay numbers, every key present.
msg::Value node_json(const config::Cluster& cluster, const config::NodeSpec& node) {
  msg::Value scripts = msg::Value::empty_array();
  for (const auto& s : node.aux_scripts)
    scripts.push_back(s);
  msg::Value cpus = msg::Value::empty_array();
  for (int cpu : node.pin_cpus)
    cpus.push_back(cpu);
  msg::Value env = msg::Value::empty_map();
  for (const auto& [key, value] : node.env_vars)
    env.set(key, value);
  msg::Value object = msg::Value::empty_map();
  object.set("name", node.name)
      .set("type", std::string(config::node_type_name(node.type)))
      .set("host", node.host)
      .set("address", node.address)
      .set("interface", node.interface)
      .set("aux_scripts", std::move(scripts))
      .set("lb_group", node.lb_group)
      .set("lb_index", node.lb_index)
      .set("lb_procs", node.lb_procs)
      .set("lb_method", node.lb_method)
      .set("pin_cpus", std::move(cpus))
      .set("env_vars", std::move(env))
      .set("program", node.program)
      .set("zone_id", node.zone_id)
      .set("profile",
           std::string(config::node_profile_name(config::effective_profile(cluster.options, node))))
      .set("restart", restart_json(config::restart_settings(cluster, node)));
  return object;
}

}  // namespace

int cmd_nodes(ShellContext& ctx, const std::vector<std::string>& args) {
  if (!args.empty()) return ctx.fail("usage: nodes");
  const config::Cluster* cluster = ctx.cluster();
  if (cluster == nullptr) return 1;
  if (ctx.json()) {
    msg::Value list = msg::Value::empty_array();
    for (const auto& node : cluster->nodes)
      list.push_back(node_json(*cluster, node));
    ctx.out() << msg::to_json(list) << '\n';
    return 0;
  }
  for (const auto& node : cluster->nodes) {
    ctx.out() << node.name << " -";
    for (const auto& [key, value] : attributes_of(*cluster, node)) {
      ctx.out() << ' ' << key << '='
                << (value.find(' ') == std::string::npos ? value : '"' + value + '"');
    }
    ctx.out() << '\n';
  }
  return 0;
}

}  // namespace bc::shell
