#include "supervisor/node_launcher.h"

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>

#include "common/env_list.h"
#include "common/file_util.h"
#include "common/strings.h"
#include "config/node_scripts.h"

namespace bc::sup {
std::string node_dir(const SupervisorOptions& options, const config::NodeSpec& node) {
  return options.spool_dir + "/" + node.name;
}

Result<DirFd> open_node_dir(const SupervisorOptions& options, const config::NodeSpec& node,
                            CreateDirs create) {
  return open_dir_nofollow(options.spool_dir, node.name, create);
}

bool has_control_endpoint(const SupervisorOptions& options, const config::NodeSpec& node) {
  auto dir = open_node_dir(options, node);
  if (!dir.is_ok()) return false;
  const auto st = stat_at(*dir, ".control");
  return st && S_ISSOCK(st->st_mode);
}

std::vector<std::string> node_environment(const SupervisorOptions& options,
                                          const config::NodeSpec& node) {
  std::vector<std::string> env = pass_through_environment();
  const std::string dir = node_dir(options, node);
  set_env(env, "CLUSTER_NODE", node.name);
  set_env(env, "CLUSTER_NODE_TYPE", std::string(config::node_type_name(node.type)));
  set_env(env, "CLUSTER_HOST", node.host);
  set_env(env, "CLUSTER_INTERFACE", node.interface);
  set_env(env, "CLUSTER_SCRIPTS", join(config::node_scripts(options.cluster_options, node), " "));
  set_env(env, "CLUSTER_BASE", options.base_dir);
  set_env(env, "CLUSTER_SPOOL", dir);
  set_env(env, "CLUSTER_CONTROL", "ipc://" + dir + "/.control");
  // Through the `current` link, so that `update` re-reads the version installed since.
  const std::string installed = options.spool_dir + "/installed/current";
  if (std::error_code ec; std::filesystem::exists(installed, ec)) {
    set_env(env, "CLUSTER_INSTALL", installed);
  }
  set_env(env, "CLUSTER_NOTIFY_FD", std::to_string(kNotifyFd));
  if (node.lb_index > 0) {
    set_env(env, "CLUSTER_LB_GROUP", node.lb_group);
    set_env(env, "CLUSTER_LB_INDEX", std::to_string(node.lb_index));
    set_env(env, "CLUSTER_LB_PROCS", std::to_string(node.lb_procs));
  }
  for (const auto& [key, value] : node.env_vars)
    set_env(env, key, value);
  return env;
}

SpawnSpec make_spawn_spec(const SupervisorOptions& options, const config::NodeSpec& node) {
  SpawnSpec spec;
  spec.program = node.program.empty() ? options.node_program : node.program;
  spec.argv.push_back(spec.program);
  // BroArgs is for the default node program; a node's own program= gets only its args=
  // (BroArgs meant for brocluster-node made another program exit at once).
  if (node.program.empty()) {
    spec.argv.insert(spec.argv.end(), options.bro_args.begin(), options.bro_args.end());
  }
  spec.argv.insert(spec.argv.end(), node.args.begin(), node.args.end());
  spec.cwd = node_dir(options, node);
  spec.env = node_environment(options, node);
  spec.stdout_path = "stdout.log";
  spec.stderr_path = "stderr.log";
  spec.cpus = node.pin_cpus;
  spec.mem_limit_bytes = options.mem_limit_bytes;
  spec.core_dumps = true;
  return spec;
}

std::string zeek_program(const SupervisorOptions& options, const config::NodeSpec& node) {
  return node.program.empty() ? options.cluster_options.get("ZeekPath") : node.program;
}

SpawnSpec make_zeek_spawn_spec(const SupervisorOptions& options, const config::NodeSpec& node,
                               const ZeekBinary& zeek) {
  SpawnSpec spec = make_spawn_spec(options, node);
  const ZeekInstall install =
      zeek_install(options.spool_dir + "/installed/current", options.cluster_options);
  spec.program = zeek.path;
  spec.argv = {zeek.path};
  for (std::string& arg : zeek_args(options.cluster_options, node, zeek.version))
    spec.argv.push_back(std::move(arg));
  spec.env = zeek_environment(pass_through_environment(), node, spec.cwd, zeek, install);
  return spec;
}

Status write_start_files(const DirFd& dir, const SpawnSpec& spec) {
  std::string cmdline = join(spec.argv, " ") + "\n";
  std::string env;
  for (const auto& entry : spec.env)
    env += entry + "\n";
  // Diagnostics, not state: written in place, a torn write costs nothing but a hint.
  if (Status s = write_file_in_place(dir, ".cmdline", cmdline); !s.is_ok()) return s;
  // The environment may carry secrets (env_vars of node.cfg/cluster.cfg): owner only.
  return write_file_in_place(dir, ".env_vars", env, 0600);
}

Status write_started_files(const DirFd& dir, pid_t pid, std::int64_t started_at_us) {
  if (Status s = write_file_in_place(dir, ".pid", std::to_string(pid) + "\n"); !s.is_ok()) {
    return s;
  }
  return write_file_in_place(dir, ".startup", std::to_string(started_at_us) + "\n");
}

}  // namespace bc::sup
