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

}  // namespace bc
