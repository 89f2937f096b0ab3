#include "shell/local_daemons.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <ostream>

#include "common/paths.h"
#include "common/strings.h"
#include "security/bus_security.h"
#include "security/keygen.h"
#include "shell/run_command.h"

namespace bc::shell {
namespace {

namespace fs = std::filesystem;

struct Daemon {
  const char* executable;
  const char* pid_file;  // under SpoolDir
  bool optional;         // not built yet in this version: skipped when absent
};

constexpr Daemon kDaemons[] = {
    {"brocluster-broker", "broker.pid", false},
    {"brocluster-supervisor", "supervisor.pid", false},
    {"brocluster-collector", "collector.pid", true},
};

}  // namespace

bool pid_file_held(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool held = flock(fd, LOCK_SH | LOCK_NB) != 0;
  close(fd);
  return held;
}

std::string find_executable(const std::string& name, const std::string& bin_dir) {
  std::error_code ec;
  const std::string self = self_directory();
  // Installed: all in one bin/. Build tree: build/<module>/brocluster-<module>.
  const std::string module = name.starts_with("brocluster-") ? name.substr(11) : name;
  for (const std::string& dir : {self, bin_dir, self + "/../" + module}) {
    const fs::path p = fs::path(dir) / name;
    if (!dir.empty() && fs::exists(p, ec)) return fs::weakly_canonical(p, ec).string();
  }
  return {};
}

Status ensure_local_daemons(ShellContext& ctx) {
  const config::Cluster* cluster = ctx.cluster();
  if (cluster == nullptr || !cluster->standalone()) return Status::ok();
  const std::string spool = cluster->options.get("SpoolDir");
  // A standalone cluster is secured like any other: its keys are made at its first start
  // (the daemons refuse to run without them).
  if (security::curve_enabled(cluster->options) && !security::cluster_has_keys(cluster->options)) {
    auto made = security::ensure_cluster_keys(cluster->options, cluster->hosts());
    if (!made.is_ok()) return made.status();
    ctx.err() << "made the bus keys (" << join(*made, ", ") << ") in "
              << cluster->options.get("KeysDir") << '\n';
    ctx.forget_security();
  }
  for (const Daemon& d : kDaemons) {
    if (pid_file_held(spool + "/" + d.pid_file)) continue;
    const std::string exe = find_executable(d.executable, cluster->options.get("BinDir"));
    if (exe.empty()) {
      if (d.optional) continue;
      return Status::not_found(std::string("cannot find ") + d.executable +
                               " next to the shell or in BinDir");
    }
    ctx.err() << "starting " << d.executable << " ...\n" << std::flush;
    // The daemon detaches and its first process exits once it serves (or has failed).
    auto run = run_command({exe, "--base", ctx.base_dir()}, std::chrono::seconds(15));
    if (!run.is_ok()) return run.status();
    // Another shell may have started it at the same moment: what counts is that it runs.
    if (run->exit_code != 0 && !pid_file_held(spool + "/" + d.pid_file)) {
      return Status(ErrorCode::kFailed,
                    std::string(d.executable) + " did not start: " + run->output);
    }
  }
  return Status::ok();
}

}  // namespace bc::shell
