// The origin rules alone (no key lists, no logging), so that the fuzz build compiles them
// with the message library only.
#include <array>

#include "broker/origin.h"

namespace bc::broker {
namespace {

struct Family {
  std::string_view name;
  std::string_view types[2];
  bool host_key;    // a host's key may publish it
  bool daemon_key;  // the daemon key may publish it
};

// Topics of docs/PROTOCOL.md: the family is the topic's first segment.
constexpr std::array<Family, 6> kFamilies = {{
    {"hb", {"heartbeat", ""}, true, true},
    {"node", {"node_state", ""}, true, false},
    {"stats", {"node_stats", "host_stats"}, true, false},
    {"crash", {"crash", ""}, true, false},
    {"log", {"log", ""}, true, true},
    {"alert", {"alert", ""}, false, true},
}};

// Whether `rest` (the topic after "<family>.") names `host`: the host itself or
// "<host>.<node>".
bool names_host(std::string_view rest, std::string_view host) {
  return rest.starts_with(host) && (rest.size() == host.size() || rest[host.size()] == '.');
}

}  // namespace

std::optional<std::string> origin_violation(const Origin& origin, std::string_view topic,
                                            const msg::EventHead& head) {
  if (origin.kind == Origin::Kind::kNone) return "its key may not publish";
  const std::size_t dot = topic.find('.');
  const std::string_view family = topic.substr(0, dot);
  const std::string_view rest = dot == std::string_view::npos ? "" : topic.substr(dot + 1);
  const Family* f = nullptr;
  for (const Family& candidate : kFamilies) {
    if (candidate.name == family) f = &candidate;
  }
  const bool host_key = origin.kind == Origin::Kind::kHost;
  if (f == nullptr || !(host_key ? f->host_key : f->daemon_key)) {
    return "a " + std::string(host_key ? "host" : "daemon") + " key may not publish on this topic";
  }
  if (head.type.empty() || (head.type != f->types[0] && head.type != f->types[1])) {
    return "its type does not match the topic";
  }
  if (f->name != "alert" && !names_host(rest, origin.host)) {
    return "the topic names another host than the key's (" + origin.host + ")";
  }
  if (head.host != origin.host) {
    return "its host field names another host than the key's (" + origin.host + ")";
  }
  if (f->name == "hb" && head.role != (host_key ? "supervisor" : "collector")) {
    return "a heartbeat of another role than the key's";
  }
  return std::nullopt;
}

}  // namespace bc::broker
