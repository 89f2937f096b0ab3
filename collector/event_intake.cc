#include "collector/event_intake.h"

#include <spdlog/spdlog.h>

namespace bc::collector {
namespace {

// The publisher's text, bounded and escaped for the log.
std::string shown(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 120))
    out += (c >= 0x20 && c < 0x7f) ? c : '?';
  return out;
}

}  // namespace

bool EventIntake::believe(ClusterView& view, std::string_view topic,
                          std::string_view expected_topic, const std::string& host,
                          const std::string* node, SteadyTime now) {
  std::string why;
  if (topic != expected_topic) {
    why = "its topic does not match its content";
  } else if (view.host(host) == nullptr) {
    why = "host '" + shown(host) + "' is not in node.cfg";
  } else if (node != nullptr) {
    const NodeView* n = view.node(*node);
    if (n == nullptr) {
      why = "node '" + shown(*node) + "' is not in node.cfg";
    } else if (n->spec.host != host) {
      why = "node.cfg puts " + *node + " on " + n->spec.host + ", not on " + shown(host);
    }
  }
  if (why.empty()) return true;
  ++refused_;
  if (now < next_log_) {
    ++unlogged_;
    return false;
  }
  next_log_ = now + std::chrono::seconds(1);
  spdlog::warn("dropped an event on '{}': {} ({} dropped in all; {} more since the last line)",
               shown(topic), why, refused_, unlogged_);
  unlogged_ = 0;
  return false;
}

}  // namespace bc::collector
