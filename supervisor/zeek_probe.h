#pragma once
// Finds the Zeek binary a node of profile zeek runs and asks it its version
// (`zeek --version`), once per binary: the answer is kept until the file changes (its
// mtime or size), so an upgrade of Zeek is seen at the next start.
//
// The one question is asked synchronously, with a deadline (kProbeTimeout), on the event
// loop thread: it happens once per Zeek binary and version, not per start (DECISIONS.md).

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "supervisor/spawner.h"
#include "supervisor/zeek_launch.h"

namespace bc::sup {

inline constexpr std::chrono::milliseconds kProbeTimeout{3000};

class ZeekProbe {
 public:
  // `scratch_dir` receives the probe's output file.
  ZeekProbe(Spawner& spawner, std::string scratch_dir)
      : spawner_(spawner), scratch_dir_(std::move(scratch_dir)) {}

  // `program` as configured (ZeekPath or program=), looked up in the PATH of `env`.
  // Errors name the program and what went wrong ("cannot find 'zeek' in PATH ...",
  // "'/x/zeek --version' printed no version: ...").
  Result<ZeekBinary> find(const std::string& program, const std::vector<std::string>& env);

 private:
  struct Known {
    std::int64_t mtime_ns = 0;
    std::int64_t size = 0;
    ZeekBinary binary;
  };
  Result<std::string> run_version(const std::string& path, const std::vector<std::string>& env);

  Spawner& spawner_;
  std::string scratch_dir_;
  std::map<std::string, Known> known_;
};

}  // namespace bc::sup
