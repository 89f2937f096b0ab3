#include "supervisor/zeek_probe.h"

#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "common/file_util.h"
#include "common/os_error.h"
#include "common/strings.h"
#include "supervisor/reaper.h"

namespace bc::sup {
namespace {

// Waits for `pid` to end until `deadline`; kills its group after it. Through its pidfd when
// there is one, else by looking every 10 ms.
bool wait_for_exit(const SpawnedProcess& p, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    if (reap_child(p.pid, false)) return true;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    if (p.pidfd >= 0) {
      pollfd item{p.pidfd, POLLIN, 0};
      (void)::poll(&item, 1, static_cast<int>(left.count()));
    } else {
      ::usleep(10000);
    }
  }
  ::kill(-p.pid, SIGKILL);
  (void)reap_child(p.pid, true);
  return false;
}

std::string read_small(const std::string& path) {
  return read_file(path, 64 << 10).value_or("");
}

}  // namespace

Result<ZeekBinary> ZeekProbe::find(const std::string& program,
                                   const std::vector<std::string>& env) {
  const std::string found = find_program(program, env);
  if (found.empty()) {
    return Status::not_found("cannot find Zeek binary " + quoted(program) +
                             " in the node's PATH (set ZeekPath in cluster.cfg, or program= in "
                             "node.cfg)");
  }
  std::error_code ec;
  const std::string path = std::filesystem::canonical(found, ec).string();
  struct stat st {};
  if (ec || ::stat(path.c_str(), &st) != 0) {
    return Status::not_found("cannot find Zeek binary " + quoted(found));
  }
  const std::int64_t mtime_ns = st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec;
  if (auto it = known_.find(path);
      it != known_.end() && it->second.mtime_ns == mtime_ns && it->second.size == st.st_size) {
    return it->second.binary;
  }
  auto output = run_version(path, env);
  if (!output.is_ok()) return output.status();
  const auto version = parse_zeek_version(*output);
  if (!version) {
    return Status::invalid_argument(quoted(path + " --version") +
                                    " printed no Zeek version: " + quoted(printable(*output, 200)));
  }
  ZeekBinary binary{path, zeek_share_dir(path), *version};
  known_[path] = Known{mtime_ns, st.st_size, binary};
  return binary;
}

Result<std::string> ZeekProbe::run_version(const std::string& path,
                                           const std::vector<std::string>& env) {
  if (Status s = ensure_dir(scratch_dir_); !s.is_ok()) return s;
  const std::string out = scratch_dir_ + "/zeek-version.out";
  ::unlink(out.c_str());
  SpawnSpec spec;
  spec.program = path;
  spec.argv = {path, "--version"};
  spec.cwd = scratch_dir_;
  spec.env = env;
  spec.stdout_path = out;
  spec.stderr_path = out;
  spec.core_dumps = false;
  auto child = spawner_.spawn(spec);
  if (!child.is_ok()) return child.status();
  const bool ended = wait_for_exit(*child, std::chrono::steady_clock::now() + kProbeTimeout);
  if (child->pidfd >= 0) ::close(child->pidfd);
  if (!ended) {
    return Status(ErrorCode::kTimeout, quoted(path + " --version") + " did not answer within " +
                                           std::to_string(kProbeTimeout.count() / 1000) + " s");
  }
  return read_small(out);
}

}  // namespace bc::sup
