// The small value parsers of node.cfg (types, env_vars) and the system host resolver.

#include <netdb.h>
#include <sys/socket.h>

#include <array>
#include <cctype>
#include <memory>

#include "common/strings.h"
#include "config/node_config.h"
#include "config/node_detail.h"

namespace bc::config {
namespace {

constexpr std::array<std::string_view, 5> kTypeNames = {"standalone", "logger", "manager", "proxy",
                                                        "worker"};

bool valid_env_name(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front())) != 0) return false;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '_') return false;
  }
  return true;
}

// Adds or, for a name already present, replaces in place so the first position is kept.
void put_env(EnvVars& vars, std::string name, std::string value) {
  for (auto& [existing, old] : vars) {
    if (existing == name) {
      old = std::move(value);
      return;
    }
  }
  vars.emplace_back(std::move(name), std::move(value));
}

}  // namespace

std::string_view node_type_name(NodeType type) {
  return kTypeNames.at(static_cast<std::size_t>(type));
}

std::optional<NodeType> node_type_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kTypeNames.size(); ++i) {
    if (iequals(kTypeNames[i], trim(name))) return static_cast<NodeType>(i);
  }
  return std::nullopt;
}

bool parse_env_vars(std::string_view text, EnvVars* out, std::string* error) {
  EnvVars vars;
  for (const std::string& item : split_trimmed(text, ",")) {
    const std::size_t eq = item.find('=');
    if (eq == std::string::npos) {
      *error = "item '" + item + "' has no '=' (expected NAME=VALUE)";
      return false;
    }
    const std::string name(trim(std::string_view(item).substr(0, eq)));
    if (name.empty()) {
      *error = "item '" + item + "' has an empty variable name";
      return false;
    }
    if (!valid_env_name(name)) {
      *error = "item '" + item + "': '" + name +
               "' is not a variable name (letters, digits and '_', not starting with a digit)";
      return false;
    }
    put_env(vars, name, std::string(trim(std::string_view(item).substr(eq + 1))));
  }
  *out = std::move(vars);
  return true;
}

namespace detail {

EnvVars overlay_env_vars(const EnvVars& global, const EnvVars& own) {
  EnvVars out = global;
  for (const auto& [name, value] : own)
    put_env(out, name, value);
  return out;
}

bool valid_node_name(std::string_view name) {
  if (name.empty() || name.front() == '.' || name.front() == '-') return false;
  for (char c : name) {
    const bool ok =
        std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace detail

HostResolver system_resolver() {
  return [](const std::string& host) -> std::optional<std::string> {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = 0;  // no AI_ADDRCONFIG: a host without a routable address has none
    addrinfo* raw = nullptr;
    if (host.empty() || getaddrinfo(host.c_str(), nullptr, &hints, &raw) != 0) return std::nullopt;
    const std::unique_ptr<addrinfo, void (*)(addrinfo*)> list(raw, &freeaddrinfo);
    const addrinfo* chosen = list.get();
    // IPv4 first: "localhost" must give 127.0.0.1, which every daemon binds in standalone.
    for (const addrinfo* ai = list.get(); ai != nullptr; ai = ai->ai_next) {
      if (ai->ai_family == AF_INET) {
        chosen = ai;
        break;
      }
    }
    if (chosen == nullptr) return std::nullopt;
    std::array<char, NI_MAXHOST> buf{};
    if (getnameinfo(chosen->ai_addr, chosen->ai_addrlen, buf.data(), buf.size(), nullptr, 0,
                    NI_NUMERICHOST) != 0) {
      return std::nullopt;
    }
    return std::string(buf.data());
  };
}

}  // namespace bc::config
