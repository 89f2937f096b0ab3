#pragma once
// Test support: runs a real executable as a separate process with a deadline, feeding
// stdin and capturing stdout, stderr and the exit status. A process still running at the
// deadline is killed (its whole process group) and reported as timed out, so a hanging
// program fails its test instead of hanging the suite.

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace bc::test {

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal or timed out
  int signal = 0;
  bool timed_out = false;
  std::string out;
  std::string err;
};

struct RunOptions {
  std::string stdin_data;
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
  std::vector<std::pair<std::string, std::string>> env;  // added to the inherited environment
  std::string cwd;
};

ProcessResult run_process(const std::vector<std::string>& argv, const RunOptions& options = {});

// In a forked child: a process group of its own, fds 0-2 from `in_fd`/`out_fd`/`err_fd`,
// `env` added, `cwd` entered when not empty (exit 126 when it cannot be), then
// execv(argv) (exit 127 when that fails).
[[noreturn]] void exec_child(const std::vector<std::string>& argv,
                             const std::vector<std::pair<std::string, std::string>>& env,
                             const std::string& cwd, int in_fd, int out_fd, int err_fd);

// $BROCLUSTER_BUILD_DIR/<relative>, e.g. "shell/brocluster".
std::string build_path(const std::string& relative);
// $BROCLUSTER_SOURCE_DIR/<relative>.
std::string source_path(const std::string& relative);

// `brocluster --base <base> <args...>` of this build: its argv, and run to completion
// (killed at `timeout`). The one way the tests run the shell on a BroBase of their own.
std::vector<std::string> shell_argv_for(const std::string& base, std::vector<std::string> args);
ProcessResult run_shell(const std::string& base, const std::vector<std::string>& args,
                        std::chrono::milliseconds timeout = std::chrono::seconds(30));

// A unique temporary directory, $TMPDIR/<prefix>XXXXXX, removed with its contents on
// destruction (permissions restored first, so read-only test directories go too). The one
// temp-dir helper of the tests.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "brocluster-test.");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }
  // Writes `content` to path()/relative, creating parent directories.
  void write(const std::string& relative, const std::string& content) const;

 private:
  std::string path_;
};

}  // namespace bc::test
