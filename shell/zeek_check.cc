#include "shell/zeek_check.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "common/env_list.h"
#include "common/exec_path.h"
#include "common/file_util.h"
#include "common/os_error.h"
#include "common/scratch_dir.h"
#include "common/strings.h"
#include "config/node_profile.h"
#include "install/cluster_bundle.h"
#include "install/install_local.h"
#include "shell/install_ops.h"
#include "shell/local_process.h"
#include "supervisor/zeek_launch.h"

namespace bc::shell {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> output_lines(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    if (!trim(line).empty()) out.emplace_back(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return out;
}

// The first node of each type, in the (type) order of `nodes`; a node whose own program=
// or aux_scripts differ from the first of its type gets a run of its own.
std::vector<config::NodeSpec> one_per_type(const std::vector<config::NodeSpec>& nodes) {
  std::vector<config::NodeSpec> out;
  for (const config::NodeSpec& node : nodes) {
    const bool seen = std::any_of(out.begin(), out.end(), [&](const config::NodeSpec& kept) {
      return kept.type == node.type && kept.program == node.program &&
             kept.aux_scripts == node.aux_scripts;
    });
    if (!seen) out.push_back(node);
  }
  return out;
}

// The node's Zeek as the shell can run it, or why not (naming it).
Result<sup::ZeekBinary> find_zeek(const config::Cluster& cluster, const config::NodeSpec& node) {
  const bool own = !node.program.empty();
  const std::string program = own ? node.program : cluster.options.get("ZeekPath");
  const std::string where = own ? "program= of node " + node.name + " in node.cfg"
                                : std::string("ZeekPath in cluster.cfg");
  const auto found = find_in_path(program, process_path());
  if (!found || ::access(found->c_str(), F_OK) != 0) {
    return Status::not_found("cannot find Zeek binary " + bc::quoted(program) +
                             (program.find('/') == std::string::npos ? " in PATH" : "") + " (" +
                             where + ")");
  }
  if (::access(found->c_str(), X_OK) != 0) {
    return Status::io_error("Zeek binary " + bc::quoted(*found) + " is not executable (" + where +
                            ")");
  }
  std::error_code ec;
  const std::string path = fs::canonical(*found, ec).string();
  if (ec) return Status::not_found("cannot find Zeek binary " + bc::quoted(*found));
  return sup::ZeekBinary{path, sup::zeek_share_dir(path), {}};
}

// The edited configuration as install would stage it, under `dir`; its `current` path.
Result<std::string> stage_edited(const config::Cluster& cluster, const config::ZeekVersion& version,
                                 const std::string& dir) {
  auto bundle = install::cluster_bundle(cluster, version);
  if (!bundle.is_ok()) return bundle.status();
  const std::string root = dir + "/installed";
  if (Status s = install::install_local(*bundle, root); !s.is_ok()) return s;
  return root + "/current";
}

// The snapshot's configuration: its site/<n> dirs as SitePolicyPath, as a node sees it.
Result<config::Cluster> snapshot_cluster(const std::string& base_dir, const std::string& snapshot) {
  config::LoadOptions options;
  options.base_dir = base_dir;
  options.install_dir = snapshot;
  config::Diagnostics diags;
  config::Cluster cluster = config::load_cluster(options, diags);
  if (diags.has_errors()) {
    return Status::invalid_argument("the snapshot " + bc::quoted(snapshot) +
                                    " does not load: " + std::string(trim(diags.render_all())));
  }
  return cluster;
}

// Zeek names the files it read by their ZEEKPATH entries: a staged snapshot's copies, in
// a directory removed after the check. Show the copies of site and policy scripts as the
// edited files they came from, and the generated files as `<staged>/auto/...`.
struct PathMap {
  std::vector<std::pair<std::string, std::string>> prefixes;  // staged -> shown, in order

  std::string apply(std::string line) const {
    for (const auto& [from, to] : prefixes) {
      for (std::size_t at = line.find(from); at != std::string::npos;
           at = line.find(from, at + to.size())) {
        line.replace(at, from.size(), to);
      }
    }
    return line;
  }
};

PathMap staged_paths(const config::Cluster& cluster, const std::string& snapshot) {
  PathMap map;
  std::error_code ec;
  std::vector<std::string> roots = {snapshot};
  if (const fs::path real = fs::canonical(snapshot, ec); !ec) roots.push_back(real.string());
  // The bundle numbers the SitePolicyPath directories that exist (install/cluster_bundle.cc).
  std::vector<std::string> site_dirs;
  for (const std::string& dir : split_trimmed(cluster.options.get("SitePolicyPath"), ":")) {
    if (fs::is_directory(dir, ec)) site_dirs.push_back(dir);
  }
  for (const std::string& root : roots) {
    for (std::size_t i = 0; i < site_dirs.size(); ++i)
      map.prefixes.emplace_back(root + "/site/" + std::to_string(i + 1) + "/", site_dirs[i] + "/");
    map.prefixes.emplace_back(root + "/policy/", cluster.options.get("PolicyDir") + "/");
  }
  for (const std::string& root : roots)
    map.prefixes.emplace_back(root + "/", "<staged>/");
  return map;
}

struct RunPlan {
  const config::ClusterConfig* options = nullptr;  // the snapshot's
  sup::ZeekInstall install;
  ZeekRun run = ZeekRun::kCheck;
  PathMap paths;
  std::string work_dir;
};

ZeekTypeResult result_for(const config::NodeSpec& node) {
  ZeekTypeResult out;
  out.type = std::string(config::node_type_name(node.type));
  out.node = node.name;
  return out;
}

ZeekTypeResult run_one(const config::NodeSpec& node, const sup::ZeekBinary& zeek,
                       const RunPlan& plan) {
  ZeekTypeResult out = result_for(node);
  const std::string cwd = plan.work_dir + "/run-" + node.name;  // beside installed/
  if (Status s = ensure_dir(cwd, 0700); !s.is_ok()) {
    out.output.push_back(s.message());
    return out;
  }
  std::vector<std::string> argv = {zeek.path};
  if (plan.run == ZeekRun::kCheck) argv.emplace_back("-a");
  for (std::string& arg : sup::zeek_check_args(*plan.options, node, zeek.version))
    argv.push_back(std::move(arg));
  std::vector<std::string> env =
      sup::zeek_environment(pass_through_environment(), node, cwd, zeek, plan.install);
  set_env(env, "ZEEKCTL_CHECK_CONFIG", "1");
  set_env(env, "ZEEKCTL_DISABLE_LISTEN", "1");

  LocalProcessOptions options;
  options.timeout = kZeekCheckTimeout;
  options.cwd = cwd;
  options.inherit_env = false;
  for (const std::string& entry : env) {
    const std::size_t eq = entry.find('=');
    options.env.emplace_back(entry.substr(0, eq), entry.substr(eq + 1));
  }
  auto ran = run_local_process(argv, options);
  if (!ran.is_ok()) {
    out.output.push_back(ran.status().message());
    return out;
  }
  for (const std::string* text : {&ran->err, &ran->out}) {
    for (std::string& line : output_lines(*text))
      out.output.push_back(plan.paths.apply(std::move(line)));
  }
  out.ok = ran->exit_code == 0;
  if (!out.ok && out.output.empty()) {
    out.output.push_back(zeek.path + (ran->signal != 0
                                          ? " died of signal " + std::to_string(ran->signal)
                                          : " exited with " + std::to_string(ran->exit_code)));
  }
  if (out.ok && plan.run == ZeekRun::kScripts) {
    auto log = read_file(cwd + "/loaded_scripts.log");
    if (!log.is_ok()) {
      out.ok = false;
      out.output.push_back("Zeek wrote no loaded_scripts.log: " + log.status().message());
      return out;
    }
    for (std::string& line : output_lines(*log)) {
      if (!line.starts_with("#")) out.scripts.push_back(plan.paths.apply(std::move(line)));
    }
  }
  return out;
}

}  // namespace

std::vector<config::NodeSpec> zeek_profile_nodes(const config::Cluster& cluster,
                                                 const std::vector<config::NodeSpec>& nodes) {
  std::vector<config::NodeSpec> out;
  for (const config::NodeSpec& node : nodes) {
    if (config::effective_profile(cluster.options, node) == config::NodeProfile::kZeek)
      out.push_back(node);
  }
  return out;
}

Result<std::vector<ZeekTypeResult>> run_zeek_checks(const config::Cluster& cluster,
                                                    const std::string& base_dir,
                                                    const std::vector<config::NodeSpec>& nodes,
                                                    ZeekRun run, const std::string& snapshot) {
  std::vector<ZeekTypeResult> results;
  // A binary that cannot be run fails its type before anything is staged.
  const std::vector<config::NodeSpec> types = one_per_type(nodes);
  std::vector<std::pair<std::size_t, sup::ZeekBinary>> runnable;
  for (std::size_t i = 0; i < types.size(); ++i) {
    results.push_back(result_for(types[i]));
    auto zeek = find_zeek(cluster, types[i]);
    if (zeek.is_ok()) {
      runnable.emplace_back(i, std::move(*zeek));
    } else {
      results.back().output.push_back(zeek.status().message());
    }
  }
  if (runnable.empty()) return results;
  auto version = zeek_version_of(cluster);
  if (!version.is_ok()) return version.status();
  if (!version->has_value()) return results;  // no node of profile zeek in the cluster
  auto scratch = ScratchDir::make(cluster.options.get("TmpDir"), "zeek-check-");
  if (!scratch.is_ok()) return scratch.status();

  RunPlan plan;
  plan.run = run;
  plan.work_dir = scratch->path();
  std::string on = snapshot;
  if (on.empty()) {
    auto staged = stage_edited(cluster, **version, scratch->path());
    if (!staged.is_ok()) return staged.status();
    on = *staged;
    plan.paths = staged_paths(cluster, on);
  }
  auto snap = snapshot_cluster(base_dir, on);
  if (!snap.is_ok()) return snap.status();
  plan.options = &snap->options;
  plan.install = sup::zeek_install(on, snap->options);
  for (auto& [i, zeek] : runnable) {
    zeek.version = **version;  // the one the snapshot's files were made for
    // The node as the snapshot defines it (its aux_scripts, env_vars), as it would run.
    const auto in_snapshot =
        std::find_if(snap->nodes.begin(), snap->nodes.end(),
                     [&](const config::NodeSpec& n) { return n.name == types[i].name; });
    if (in_snapshot == snap->nodes.end()) {
      results[i].output.push_back(types[i].name +
                                  " is not in the installed configuration; run install, or "
                                  "use scripts -c");
      continue;
    }
    results[i] = run_one(*in_snapshot, zeek, plan);
  }
  return results;
}

}  // namespace bc::shell
