#pragma once
// A process environment as the spawner takes it: "KEY=value" entries. The node launchers
// (ours and the zeek profile's) build theirs with these.

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

}  // namespace bc
