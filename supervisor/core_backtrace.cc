#include "supervisor/core_backtrace.h"

#include <unistd.h>

#include <filesystem>

namespace bc::sup {

std::string find_gdb() {
  std::error_code ec;
  for (const char* p : {"/usr/bin/gdb", "/usr/local/bin/gdb", "/bin/gdb"}) {
    if (std::filesystem::exists(p, ec) && ::access(p, X_OK) == 0) return p;
  }
  return {};
}

JobSpec core_backtrace_job(const std::string& gdb, const std::string& program,
                           const std::string& core, const std::string& cwd) {
  JobSpec spec;
  spec.argv = {gdb, "-batch", "-nx", "-ex", "thread apply all bt", program, core};
  spec.cwd = cwd;
  spec.env = {"PATH=/usr/bin:/bin"};
  spec.timeout = kBacktraceTimeout;
  spec.max_output = kBacktraceOutput;
  return spec;
}

JobSpec process_backtrace_job(const std::string& gdb, pid_t pid) {
  JobSpec spec;
  spec.argv = {gdb, "-batch", "-nx", "-p", std::to_string(pid), "-ex", "thread apply all bt"};
  spec.cwd = "/";
  spec.env = {"PATH=/usr/bin:/bin"};
  spec.timeout = kBacktraceTimeout;
  spec.max_output = kProcessBacktraceOutput;
  return spec;
}

std::string backtrace_text(const JobResult& result) {
  if (!result.timed_out) return result.output;
  return "gdb timed out after " + std::to_string(kBacktraceTimeout.count()) + " s\n" +
         result.output;
}

}  // namespace bc::sup
