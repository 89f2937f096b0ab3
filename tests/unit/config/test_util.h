#pragma once
// Helpers shared by the config unit tests: a fake resolver and a scratch directory.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>

#include "config/node_config.h"

namespace bc::config::testing_util {

// The source tree: $BROCLUSTER_SOURCE_DIR, else the directory the test was built from.
inline std::string source_dir() {
  const char* env = std::getenv("BROCLUSTER_SOURCE_DIR");
  return env != nullptr && *env != '\0' ? env : BC_SOURCE_DIR;
}

// localhost and host1..host9 resolve; anything else does not (no DNS in unit tests).
inline HostResolver fake_resolver() {
  return [](const std::string& host) -> std::optional<std::string> {
    if (host == "localhost") return "127.0.0.1";
    if (host.size() == 5 && host.rfind("host", 0) == 0 && host[4] >= '1' && host[4] <= '9') {
      return "10.0.0." + host.substr(4);
    }
    return std::nullopt;
  };
}

// A unique directory under the gtest temp dir, removed with everything in it.
class ScratchDir {
 public:
  ScratchDir() {
    std::string tmpl = ::testing::TempDir() + "/bc_config_XXXXXX";
    path_ = mkdtemp(tmpl.data()) != nullptr ? tmpl : std::string();
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::string& path() const { return path_; }

  // Writes `text` to path()/relative, creating parent directories.
  void write(const std::string& relative, const std::string& text) const {
    const std::filesystem::path p = std::filesystem::path(path_) / relative;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << text;
  }

 private:
  std::string path_;
};

}  // namespace bc::config::testing_util
