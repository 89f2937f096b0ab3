#include "supervisor/orphan_scan.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace bc::sup {

pid_t find_node_process(const std::string& proc_root, const std::string& spool) {
  const std::string wanted = "CLUSTER_SPOOL=" + spool;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(proc_root, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    const pid_t pid = static_cast<pid_t>(std::atol(name.c_str()));
    if (pid == getpid() || getpgid(pid) != pid) continue;
    std::ifstream in(entry.path() / "environ", std::ios::binary);
    std::string env((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::size_t start = 0;
    while (start < env.size()) {
      const std::size_t end = env.find('\0', start);
      const std::size_t len = (end == std::string::npos ? env.size() : end) - start;
      if (env.compare(start, len, wanted) == 0) return pid;
      if (end == std::string::npos) break;
      start = end + 1;
    }
  }
  return 0;
}

}  // namespace bc::sup
