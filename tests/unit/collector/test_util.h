#pragma once
// Helpers for the collector maintenance tests: temporary directories, files with chosen
// mtimes, deadline-bounded waits (polling, never a bare sleep as synchronisation), a
// forked child for resource-limit and unprivileged cases, and captured spdlog output.

#include <sys/types.h>

#include <chrono>
#include <ctime>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "tests/support/processes.h"
#include "tests/support/run_process.h"

namespace bc::collector::testing {

using std::chrono::milliseconds;
inline constexpr milliseconds kDeadline{10000};

// The tests' one temp-dir helper (tests/support/run_process.h).
using TempDir = bc::test::TempDir;

// Polls `pred` (every millisecond) until it holds or the deadline passes: the tests' one
// polled wait (tests/support/processes.h).
inline bool wait_for(const std::function<bool()>& pred, milliseconds timeout = kDeadline) {
  return bc::test::poll_until(pred, timeout, milliseconds(1));
}

// Whole file, or "<unreadable>".
inline std::string slurp(const std::string& path) {
  return bc::test::file_text(path, "<unreadable>");
}
// Number of lines of a file; 0 when it does not exist.
std::size_t lines_of_file(const std::string& path);
// Creates or replaces `path` (parents created) with `content` and `mode`.
void write_file(const std::string& path, const std::string& content, int mode = 0644);
// Sets atime and mtime of `path` itself (not a symlink's target).
void set_mtime(const std::string& path, std::time_t t);
// Entry names of `dir`, sorted; empty when it cannot be listed.
std::vector<std::string> list_dir(const std::string& dir);
bool exists(const std::string& path);
// Standard output of `sh -c command`.
std::string run_shell(const std::string& command);

// Local time of a calendar date.
std::chrono::system_clock::time_point local_time(int year, int month, int day, int hour = 0,
                                                 int min = 0, int sec = 0);

// Runs `fn` in a forked child (optionally as nobody, uid/gid 65534, when run as root) and
// returns the string it returned; "<child failed>" when the child dies or overruns the
// deadline.
std::string run_in_child(const std::function<std::string()>& fn, bool as_nobody = false);

// While alive, the default spdlog logger writes into a string (the old one comes back).
class LogCapture {
 public:
  LogCapture();
  ~LogCapture();
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;
  std::string text() const { return out_->str(); }

 private:
  std::shared_ptr<std::ostringstream> out_;
  std::shared_ptr<spdlog::logger> previous_;
};

}  // namespace bc::collector::testing
