#include "collector/event_intake.h"

#include <spdlog/spdlog.h>

#include "common/strings.h"
#include "messages/codec.h"

namespace bc::collector {

BusEvent EventIntake::admit(ClusterView& view, std::string_view topic, std::string_view body,
                            SteadyTime now) {
  auto type = msg::peek_type(body);
  if (!type.is_ok()) {
    spdlog::warn("dropped an undecodable event on '{}': {}", printable(topic),
                 printable(type.status().message(), 200));
    return {};
  }
  auto believed = [&](const auto& e, const std::string* node) {
    return believe(view, topic, msg::topic_for(e), e.env.host, node, now);
  };
  if (*type == msg::Heartbeat::kType) {
    auto hb = msg::decode<msg::Heartbeat>(body);
    if (hb.is_ok() && hb->role == "supervisor" && believed(*hb, nullptr)) return std::move(*hb);
  } else if (*type == msg::NodeStateChange::kType) {
    auto e = msg::decode<msg::NodeStateChange>(body);
    if (e.is_ok() && believed(*e, &e->node)) return std::move(*e);
  } else if (*type == msg::CrashReport::kType) {
    auto r = msg::decode<msg::CrashReport>(body);
    if (r.is_ok() && believed(*r, &r->node)) return std::move(*r);
  } else if (*type == msg::HostStats::kType) {
    auto s = msg::decode<msg::HostStats>(body);
    if (s.is_ok() && believed(*s, nullptr)) return std::move(*s);
  } else if (*type == msg::NodeStats::kType) {
    auto s = msg::decode<msg::NodeStats>(body);
    if (s.is_ok() && believed(*s, &s->node)) return std::move(*s);
  }
  return {};
}

bool EventIntake::believe(ClusterView& view, std::string_view topic,
                          std::string_view expected_topic, const std::string& host,
                          const std::string* node, SteadyTime now) {
  std::string why;
  if (topic != expected_topic) {
    why = "its topic does not match its content";
  } else if (view.host(host) == nullptr) {
    why = "host '" + printable(host) + "' is not in node.cfg";
  } else if (node != nullptr) {
    const NodeView* n = view.node(*node);
    if (n == nullptr) {
      why = "node '" + printable(*node) + "' is not in node.cfg";
    } else if (n->spec.host != host) {
      why = "node.cfg puts " + *node + " on " + n->spec.host + ", not on " + printable(host);
    }
  }
  if (why.empty()) return true;
  ++refused_;
  std::uint64_t unlogged = 0;
  if (!log_.allow(now, unlogged)) return false;
  spdlog::warn("dropped an event on '{}': {} ({} dropped in all; {} more since the last line)",
               printable(topic), why, refused_, unlogged);
  return false;
}

}  // namespace bc::collector
