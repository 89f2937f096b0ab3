#pragma once
// Small string helpers shared by the parsers and printers.

#include <string>
#include <string_view>
#include <vector>

namespace bc {

std::string_view trim(std::string_view s);
std::string to_lower(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
bool starts_with_icase(std::string_view s, std::string_view prefix);
// Splits on any of `seps`, trims each piece and drops empty pieces.
std::vector<std::string> split_trimmed(std::string_view s, std::string_view seps);
std::string join(const std::vector<std::string>& parts, std::string_view sep);

// The one way a string from outside (a request's command name, a peer's field) reaches a
// log line or an error reply: at most `max_bytes` of it, control and non-ASCII bytes
// escaped as \xNN (and \ as \\), and a cut one marked with its full size, so that no
// input can flood a log or forge a line of its own.
inline constexpr std::size_t kPrintableMax = 80;
std::string printable(std::string_view s, std::size_t max_bytes = kPrintableMax);

}  // namespace bc
