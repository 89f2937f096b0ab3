#include "node/process/node_identity.h"

#include <fcntl.h>

#include <cstdlib>

#include "common/paths.h"
#include "common/strings.h"
#include "config/node_scripts.h"

namespace bc::node {
namespace {

std::string env_or(const EnvLookup& env, const std::string& name, std::string fallback) {
  std::optional<std::string> v = env(name);
  return v && !v->empty() ? *v : fallback;
}

Result<int> parse_int_var(const std::string& name, const std::string& text) {
  char* end = nullptr;
  const long v = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || end == nullptr || *end != '\0' || v < 0 || v > 1 << 20) {
    return Status::invalid_argument(name + "='" + text + "' is not a non-negative number");
  }
  return static_cast<int>(v);
}

// A spec for a node that node.cfg does not list: only allowed with an explicit type.
Result<config::NodeSpec> find_spec(const config::Cluster& cluster, const std::string& name,
                                   const std::string& type_name) {
  if (const config::NodeSpec* known = cluster.find(name)) return *known;
  if (type_name.empty()) {
    return Status::not_found("node '" + name +
                             "' is not in node.cfg (give --type to run it anyway)");
  }
  config::NodeSpec spec;
  spec.name = name;
  spec.host = "localhost";
  spec.address = "127.0.0.1";
  return spec;
}

Result<std::string> default_node_name(const config::Cluster& cluster, const std::string& type) {
  if (!type.empty()) return type;
  if (cluster.standalone() && !cluster.nodes.empty()) return cluster.nodes.front().name;
  return Status::invalid_argument(
      "which node is this? set CLUSTER_NODE or pass --node (node.cfg has several)");
}

Status apply_type(const std::string& type_name, config::NodeSpec& spec) {
  if (type_name.empty()) return Status::ok();
  std::optional<config::NodeType> type = config::node_type_from_name(type_name);
  if (!type) {
    return Status::invalid_argument("unknown node type '" + type_name +
                                    "' (standalone, logger, manager, proxy or worker)");
  }
  spec.type = *type;
  return Status::ok();
}

Status apply_lb(const EnvLookup& env, config::NodeSpec& spec) {
  for (auto [name, target] : {std::pair{"CLUSTER_LB_INDEX", &spec.lb_index},
                              std::pair{"CLUSTER_LB_PROCS", &spec.lb_procs}}) {
    std::optional<std::string> v = env(name);
    if (!v || v->empty()) continue;
    Result<int> n = parse_int_var(name, *v);
    if (!n) return n.status();
    *target = *n;
  }
  if (spec.lb_procs > 0 && (spec.lb_index < 1 || spec.lb_index > spec.lb_procs)) {
    return Status::invalid_argument("CLUSTER_LB_INDEX=" + std::to_string(spec.lb_index) +
                                    " is outside 1.." + std::to_string(spec.lb_procs));
  }
  return Status::ok();
}

Result<int> notify_fd(const EnvLookup& env) {
  std::optional<std::string> v = env("CLUSTER_NOTIFY_FD");
  if (!v || v->empty()) return -1;
  Result<int> fd = parse_int_var("CLUSTER_NOTIFY_FD", *v);
  if (!fd) return fd.status();
  // Started by hand with the variable copied from .env_vars: no pipe behind it.
  if (fcntl(*fd, F_GETFD) < 0) return -1;
  return *fd;
}

}  // namespace

EnvLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

std::string resolve_install(const IdentityOverrides& overrides, const EnvLookup& env) {
  if (!overrides.install.empty()) return overrides.install;
  return env("CLUSTER_INSTALL").value_or("");
}

std::string resolve_base(const IdentityOverrides& overrides, const EnvLookup& env) {
  if (!overrides.base.empty()) return overrides.base;
  return env_or(env, "CLUSTER_BASE", default_base_dir());
}

Result<NodeIdentity> resolve_identity(const config::Cluster& cluster,
                                      const IdentityOverrides& overrides, const EnvLookup& env) {
  NodeIdentity id;
  id.base = resolve_base(overrides, env);
  const std::string type_name =
      !overrides.type.empty() ? overrides.type : env_or(env, "CLUSTER_NODE_TYPE", "");
  std::string name = !overrides.node.empty() ? overrides.node : env_or(env, "CLUSTER_NODE", "");
  if (name.empty()) {
    Result<std::string> fallback = default_node_name(cluster, type_name);
    if (!fallback) return fallback.status();
    name = *fallback;
  }
  Result<config::NodeSpec> spec = find_spec(cluster, name, type_name);
  if (!spec) return spec.status();
  id.spec = std::move(*spec);
  if (Status s = apply_type(type_name, id.spec); !s) return s;
  if (overrides.interface) {
    id.spec.interface = *overrides.interface;
  } else if (std::optional<std::string> iface = env("CLUSTER_INTERFACE")) {
    id.spec.interface = *iface;
  }
  if (Status s = apply_lb(env, id.spec); !s) return s;
  id.spool = env_or(env, "CLUSTER_SPOOL", cluster.options.get("SpoolDir") + "/" + id.spec.name);
  id.control = env_or(env, "CLUSTER_CONTROL", "ipc://" + id.spool + "/.control");
  Result<int> fd = notify_fd(env);
  if (!fd) return fd.status();
  id.notify_fd = *fd;
  if (std::optional<std::string> scripts = env("CLUSTER_SCRIPTS");
      scripts && overrides.type.empty()) {
    id.scripts = split_trimmed(*scripts, " \t");
    id.scripts_from_env = true;
  } else {
    id.scripts = config::node_scripts(cluster.options, id.spec);
  }
  return id;
}

}  // namespace bc::node
