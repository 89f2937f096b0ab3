#include "common/paths.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace bc {

namespace fs = std::filesystem;

std::string self_executable() {
  std::error_code ec;
  auto p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : p.string();
}

std::string self_directory() {
  const std::string exe = self_executable();
  return exe.empty() ? std::string() : fs::path(exe).parent_path().string();
}

std::string default_base_dir() {
  if (const char* env = std::getenv("BROCLUSTER_BASE"); env != nullptr && *env != '\0') {
    return absolute_path(env);
  }
  const std::string dir = self_directory();
  std::error_code ec;
  if (!dir.empty()) {
    const fs::path parent = fs::path(dir).parent_path();
    if (fs::is_directory(parent / "etc", ec)) return parent.string();
  }
  return fs::current_path(ec).string();
}

std::string absolute_path(const std::string& path) {
  if (path.empty()) return path;
  std::error_code ec;
  const fs::path absolute = fs::absolute(path, ec);
  return ec ? path : absolute.lexically_normal().string();
}

}  // namespace bc
