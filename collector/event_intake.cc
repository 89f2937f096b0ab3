#include "collector/event_intake.h"

#include <spdlog/spdlog.h>

#include "common/strings.h"

namespace bc::collector {

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
