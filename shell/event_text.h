#pragma once
// One readable line per bus event, for `tap` and for progress output.

#include <string>
#include <string_view>

namespace bc::shell {

// "12:04:05.123 node host3/worker-1 running -> crashed (signal 6 (Aborted), core dumped)";
// undecodable bodies give "<topic> (undecodable: <why>)".
std::string event_line(std::string_view topic, std::string_view body);

}  // namespace bc::shell
