#include "supervisor/netstats_sample.h"

#include <algorithm>

namespace bc::sup {

std::chrono::milliseconds netstats_wait(std::chrono::milliseconds stats_interval) {
  return std::clamp(stats_interval / 2, std::chrono::milliseconds(10),
                    std::chrono::milliseconds(1000));
}

void fill_packets(msg::NodeStats& stats, const msg::Reply& netstats) {
  if (!netstats.ok || !netstats.result) return;
  const msg::Value& r = *netstats.result;
  if (!r.get_bool("capturing").value_or(false)) return;
  auto received = r.get_uint("received");
  auto dropped = r.get_uint("dropped");
  if (!received.is_ok() || !dropped.is_ok()) return;
  stats.packets_received = *received;
  stats.packets_dropped = *dropped;
  if (auto link = r.get_uint("link"); link.is_ok()) stats.packets_link = *link;
}

std::optional<int> connected_peers(const msg::Reply& peerstatus) {
  if (!peerstatus.ok || !peerstatus.result) return std::nullopt;
  const msg::Value* peers = peerstatus.result->find("peers");
  if (peers == nullptr || peers->as_array() == nullptr) return std::nullopt;
  int connected = 0;
  for (const msg::Value& p : *peers->as_array()) {
    if (p.get_string("state").value_or("") == "connected") ++connected;
  }
  return connected;
}

}  // namespace bc::sup
