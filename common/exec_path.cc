#include "common/exec_path.h"

#include <unistd.h>

#include <cstdlib>

namespace bc {

std::optional<std::string> find_in_path(const std::string& name, std::string_view path_list) {
  if (name.find('/') != std::string::npos) return name;
  if (name.empty()) return std::nullopt;
  std::size_t begin = 0;
  while (begin <= path_list.size()) {
    std::size_t end = path_list.find(':', begin);
    if (end == std::string_view::npos) end = path_list.size();
    const std::string dir =
        end > begin ? std::string(path_list.substr(begin, end - begin)) : std::string(".");
    const std::string candidate = dir + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    begin = end + 1;
  }
  return std::nullopt;
}

std::string process_path() {
  const char* env = std::getenv("PATH");
  return env != nullptr && *env != '\0'
             ? std::string(env)
             : std::string("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
}

}  // namespace bc
