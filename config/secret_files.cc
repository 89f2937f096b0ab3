#include "config/secret_files.h"

#include <sys/stat.h>

#include <fstream>

#include "common/strings.h"

namespace bc::config {

bool secret_like_key(std::string_view key) {
  const std::string k = to_lower(key);
  for (std::string_view word : {"pass", "secret", "token"}) {
    if (k.find(word) != std::string::npos) return true;
  }
  return false;
}

namespace {

// The first secret-like key of a `key = value` line (or of one of its env_vars-style
// `NAME=value` pieces) whose value is not empty.
std::string secret_on_line(std::string_view line) {
  const auto eq = line.find('=');
  if (eq == std::string_view::npos) return {};
  const std::string_view key = trim(line.substr(0, eq));
  const std::string_view value = trim(line.substr(eq + 1));
  if (secret_like_key(key) && !value.empty()) return std::string(key);
  for (const std::string& piece : split_trimmed(value, ",")) {
    const auto inner = piece.find('=');
    if (inner != std::string::npos && inner + 1 < piece.size() &&
        secret_like_key(piece.substr(0, inner))) {
      return std::string(key) + ": " + piece.substr(0, inner);
    }
  }
  return {};
}

}  // namespace

std::vector<std::string> world_readable_secrets(const std::string& cfg_dir) {
  std::vector<std::string> warnings;
  for (const char* name : {"cluster.cfg", "node.cfg"}) {
    const std::string path = cfg_dir + "/" + name;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || (st.st_mode & S_IROTH) == 0) continue;
    std::ifstream in(path);
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
      const std::string_view text = trim(line);
      if (text.empty() || text.front() == '#') continue;
      if (std::string option = secret_on_line(text); !option.empty()) {
        warnings.push_back(path + ":" + std::to_string(number) + ": " + printable(option) +
                           " looks like a password, and the file is readable by every local "
                           "user (chmod o-r; install keeps the file's mode on every host)");
        break;
      }
    }
  }
  return warnings;
}

}  // namespace bc::config
