#pragma once
// Origin binding (docs/SECURITY.md): every event on the bus is checked against the key
// of the connection it came in on, which its publisher cannot choose (the ZAP handler
// names it in the connection's User-Id). A host's key publishes only its own host's
// events; the daemon key (broker/collector) only the collector's heartbeat, alerts and
// log lines, for the broker's host. The rules are here as a pure function (unit-tested,
// fuzzed); OriginTable maps User-Ids to origins from the key lists. Owned by the
// broker's thread.

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "messages/event_head.h"
#include "security/key_lists.h"

namespace bc::broker {

struct Origin {
  enum class Kind { kHost, kDaemon, kNone };
  Kind kind = Kind::kNone;
  std::string key;   // the key's name, for the log
  std::string host;  // the host whose events it may publish
};

// Why `origin` may not publish an event on `topic` with this head; nullopt when it may.
std::optional<std::string> origin_violation(const Origin& origin, std::string_view topic,
                                            const msg::EventHead& head);

class OriginTable {
 public:
  // `daemon_host`: the host the daemon key publishes for (BrokerHost).
  OriginTable(std::string keys_dir, std::string daemon_host);
  // Reloads the key lists when they changed (an install): a revoked key publishes
  // nothing from then on, even on a connection it opened before.
  void refresh();
  // The origin of a User-Id (a public key in Z85); nullptr for a key not listed.
  const Origin* find(std::string_view user_id) const;

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  void rebuild();

  security::KeyRing ring_;
  std::string daemon_host_;
  std::unordered_map<std::string, Origin, Hash, std::equal_to<>> origins_;
};

}  // namespace bc::broker
