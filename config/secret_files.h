#pragma once
// Finds configuration files that hold a password-like option (CFlowPassword, or a key with
// "pass", "secret" or "token" in its name, env_vars entries included) and that every local
// user can read. `install` keeps a file's mode on every host, so the mode the operator
// gives etc/ is the mode the secret has everywhere; `check` warns about it.

#include <string>
#include <vector>

namespace bc::config {

// One warning per such file in `cfg_dir` (cluster.cfg, node.cfg), naming the file, the
// line and the option, never the value.
std::vector<std::string> world_readable_secrets(const std::string& cfg_dir);

// True when `key` names something secret (case-insensitive).
bool secret_like_key(std::string_view key);

}  // namespace bc::config
