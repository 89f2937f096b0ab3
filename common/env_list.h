#pragma once
// A process environment as the spawner takes it: "KEY=value" entries. The node launchers
// (ours and the zeek profile's) build theirs with these.

#include <cstdlib>
#include <string>
#include <vector>

namespace bc {

// Sets `key` to `value`, in place when it is there (so later settings win), else at the end.
inline void set_env(std::vector<std::string>& env, const std::string& key,
                    const std::string& value) {
  const std::string prefix = key + "=";
  for (auto& entry : env) {
    if (entry.starts_with(prefix)) {
      entry = prefix + value;
      return;
    }
  }
  env.push_back(prefix + value);
}

// The value of `key`; "" when it is not set.
inline std::string env_value(const std::vector<std::string>& env, const std::string& key) {
  const std::string prefix = key + "=";
  for (const auto& entry : env) {
    if (entry.starts_with(prefix)) return entry.substr(prefix.size());
  }
  return "";
}

// What a node (and the shell's Zeek check, which runs Zeek as a node would run) takes from
// the environment of the one that starts it: enough to find its tools and speak the local
// language, nothing that leaks the daemon's setup. PATH gets a default when unset.
inline std::vector<std::string> pass_through_environment() {
  std::vector<std::string> env;
  for (const char* key : {"PATH", "HOME", "USER", "LANG", "LC_ALL", "TZ"}) {
    if (const char* value = std::getenv(key)) set_env(env, key, value);
  }
  if (std::getenv("PATH") == nullptr) set_env(env, "PATH", "/usr/local/bin:/usr/bin:/bin");
  return env;
}

}  // namespace bc
