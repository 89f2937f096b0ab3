// `process <trace> [-- <scripts>...]`: runs the node program offline on a pcap as a
// standalone node with the site policy (plus the given scripts), in a fresh scratch dir
// under TmpDir, and says where the logs are. Nothing of the running cluster is touched.

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <ostream>

#include "common/file_util.h"
#include "messages/codec.h"
#include "shell/commands/handlers.h"
#include "shell/local_process.h"
#include "shell/node_program.h"
#include "shell/shell_context.h"
#include "shell/table.h"

namespace bc::shell {
namespace {

namespace fs = std::filesystem;

// An offline run of a big trace takes long, but one that never ends is a bug.
constexpr std::chrono::hours kProcessTimeout{1};

struct ProcessArgs {
  std::string trace;
  std::vector<std::string> scripts;
};

std::optional<ProcessArgs> parse_args(const std::vector<std::string>& args) {
  const auto dashes = std::find(args.begin(), args.end(), "--");
  if (dashes - args.begin() != 1) return std::nullopt;
  ProcessArgs out{args[0],
                  std::vector<std::string>(dashes == args.end() ? dashes : dashes + 1, args.end())};
  if (out.trace.empty() || out.trace[0] == '-') return std::nullopt;
  return out;
}

// Empty when the trace can be read, else why not (naming the path).
std::string trace_problem(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0)
    return "cannot read trace " + path + ": " + std::strerror(errno);
  if (S_ISDIR(st.st_mode)) return "cannot read trace " + path + ": is a directory";
  if (access(path.c_str(), R_OK) != 0)
    return "cannot read trace " + path + ": " + std::strerror(errno);
  return {};
}

// The node runs in the scratch dir, so paths the user gave relative to the shell's dir
// must become absolute; a name that is no file here is left to the script search path.
std::string for_scratch_dir(const std::string& path) {
  std::error_code ec;
  if (fs::path(path).is_relative() && fs::exists(path, ec)) return fs::absolute(path).string();
  return path;
}

// <TmpDir>/process-<YYYYmmdd-HHMMSS>[-n]: mkdir itself decides, so two runs in the same
// second (or two shells) never share a directory.
Result<std::string> make_scratch_dir(const std::string& tmp_dir) {
  if (Status s = ensure_dir(tmp_dir); !s.is_ok()) return s;
  char stamp[32];
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &local);
  const std::string stem = tmp_dir + "/process-" + stamp;
  for (int n = 1; n < 1000; ++n) {
    const std::string dir = n == 1 ? stem : stem + "-" + std::to_string(n);
    if (mkdir(dir.c_str(), 0755) == 0) return dir;
    if (errno != EEXIST)
      return Status::io_error("cannot create " + dir + ": " + std::strerror(errno));
  }
  return Status::io_error("cannot create a new directory " + stem + "-<n>: too many exist");
}

// The version `current` points to, so the run reads one snapshot even if an install
// switches `current` meanwhile.
std::string pinned_snapshot(const std::string& current) {
  std::error_code ec;
  const fs::path target = fs::read_symlink(current, ec);
  if (ec) return current;
  return (fs::path(current).parent_path() / target).lexically_normal().string();
}

struct Output {
  std::string name;
  std::uintmax_t size = 0;
};

// What the node wrote: its logs (and trace files); dot files (.status, .control) are its
// bookkeeping.
std::vector<Output> outputs_in(const std::string& dir) {
  std::vector<Output> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name[0] == '.' || !entry.is_regular_file(ec)) continue;
    out.push_back({name, entry.file_size(ec)});
  }
  std::sort(out.begin(), out.end(),
            [](const Output& a, const Output& b) { return a.name < b.name; });
  return out;
}

}  // namespace

int cmd_process(ShellContext& ctx, const std::vector<std::string>& args) {
  std::optional<ProcessArgs> parsed = parse_args(args);
  if (!parsed) return ctx.fail("usage: process <trace> [-- <scripts>...]");
  if (std::string problem = trace_problem(parsed->trace); !problem.empty())
    return ctx.fail(problem);
  const std::string trace = fs::absolute(parsed->trace).lexically_normal().string();
  for (std::string& script : parsed->scripts) {
    if (script.empty() || script[0] == '-')
      return ctx.fail("process: only scripts may follow '--', not '" + script + "'");
    script = for_scratch_dir(script);
  }

  ctx.reload();  // the edited files as they are now
  const config::Cluster* cluster = ctx.cluster();
  if (cluster == nullptr) return 1;
  std::string snapshot = installed_snapshot(*cluster);
  if (!snapshot.empty()) snapshot = pinned_snapshot(snapshot);
  std::string program;
  if (!snapshot.empty()) {
    const std::string bundled = snapshot + "/bin/brocluster-node";
    std::error_code ec;
    if (fs::is_regular_file(bundled, ec)) program = bundled;
  }
  if (program.empty()) program = find_node_program(*cluster);
  if (program.empty())
    return ctx.fail("cannot find brocluster-node to process the trace with (NodeProgram, BinDir)");

  Result<std::string> dir = make_scratch_dir(cluster->options.get("TmpDir"));
  if (!dir.is_ok()) return ctx.fail(dir.status().message());
  const std::string base = fs::absolute(ctx.base_dir()).lexically_normal().string();
  std::vector<std::string> argv = {program,      "-r",     trace,     "--exit-at-eof", "--type",
                                   "standalone", "--node", "process", "--base",        base};
  if (!snapshot.empty()) argv.insert(argv.end(), {"--install", snapshot});
  for (const std::string& script : parsed->scripts)
    argv.insert(argv.end(), {"--load", script});
  if (!ctx.json()) {
    ctx.out() << "process: using "
              << (snapshot.empty() ? "the edited configuration in " +
                                         cluster->options.get("CfgDir") + " (nothing is installed)"
                                   : "the installed configuration " + snapshot)
              << '\n';
    ctx.out().flush();
  }

  LocalProcessOptions options;
  options.timeout = kProcessTimeout;
  options.cwd = *dir;
  options.env = {{"CLUSTER_SPOOL", *dir}};
  // The shell's environment must not choose anything else for this one-off node.
  options.unset_env = {"CLUSTER_NODE",      "CLUSTER_NODE_TYPE", "CLUSTER_SCRIPTS",
                       "CLUSTER_BASE",      "CLUSTER_INSTALL",   "CLUSTER_CONTROL",
                       "CLUSTER_NOTIFY_FD", "CLUSTER_INTERFACE", "CLUSTER_LB_INDEX",
                       "CLUSTER_LB_PROCS"};
  Result<LocalProcessResult> run = run_local_process(argv, options);
  if (!run.is_ok()) return ctx.fail(run.status().message() + " (output so far in " + *dir + ")");

  const std::vector<Output> outputs = outputs_in(*dir);
  const int rc = run->exit_code >= 0 ? run->exit_code : 1;
  if (ctx.json()) {
    msg::Value logs = msg::Value::empty_array();
    for (const Output& o : outputs)
      logs.push_back(msg::Value::empty_map().set("file", o.name).set("size", o.size));
    msg::Value result = msg::Value::empty_map()
                            .set("ok", rc == 0)
                            .set("dir", *dir)
                            .set("installed", !snapshot.empty())
                            .set("exit_code", run->exit_code)
                            .set("logs", std::move(logs));
    if (rc != 0) result.set("stderr", run->err);
    ctx.out() << msg::to_json(result) << '\n';
    return rc;
  }
  // What the scripts print goes to stdout, as with a node started by hand.
  ctx.out() << run->out;
  if (!run->out.empty() && run->out.back() != '\n') ctx.out() << '\n';
  ctx.out() << "process: output in " << *dir << '\n';
  std::size_t width = 0;
  for (const Output& o : outputs)
    width = std::max(width, o.name.size());
  for (const Output& o : outputs) {
    ctx.out() << "  " << o.name << std::string(width - o.name.size() + 2, ' ')
              << human_bytes(static_cast<double>(o.size)) << '\n';
  }
  if (rc != 0) {
    ctx.out().flush();
    ctx.err() << run->err;
    if (!run->err.empty() && run->err.back() != '\n') ctx.err() << '\n';
    ctx.fail(program + (run->signal != 0 ? " died of signal " + std::to_string(run->signal)
                                         : " exited with " + std::to_string(run->exit_code)));
  }
  return rc;
}

}  // namespace bc::shell
