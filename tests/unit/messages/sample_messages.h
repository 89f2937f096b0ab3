#pragma once
// Fully populated sample messages (every optional field set) shared by the round-trip,
// golden, fuzz and JSON tests, plus hex helpers for golden bytes.

#include <string>
#include <string_view>

#include "messages/codec.h"

namespace bc::msg::testing {

Heartbeat sample_heartbeat();
NodeStateChange sample_node_state();
NodeStats sample_node_stats();
HostStats sample_host_stats();
CrashReport sample_crash();
Alert sample_alert();
LogLine sample_log_line();
Request sample_request();
Reply sample_reply_ok();
Reply sample_reply_error();

// Encodings of every sample, for mutation-based tests.
std::vector<std::string> sample_encodings();

std::string to_hex(std::string_view bytes);
std::string from_hex(std::string_view hex);  // REQUIRES: even length, [0-9a-f]

}  // namespace bc::msg::testing
