#pragma once
// Rendering of values by the rules of Zeek's ASCII (TSV) writer, so that records made on a
// worker and written on the manager look as Zeek's would. Pure functions.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bc::node::tsv {

inline constexpr std::string_view kUnset = "-";
inline constexpr std::string_view kEmpty = "(empty)";

// A string field: tab, newline, backslash and bytes outside 0x20..0x7e become \xNN (a
// backslash \\); a value that is exactly "-" or "(empty)" is escaped so that it cannot be
// read as unset/empty; "" becomes "(empty)".
std::string escape(std::string_view s);
// A set/vector field: elements escaped like escape() and ',' as \x2c, joined with ',';
// no elements → "(empty)".
std::string set(const std::vector<std::string>& elements);
// "1700000000.123456"
std::string time(std::int64_t us);
// Seconds with 6 decimals: "3.000123".
std::string interval(std::int64_t us);
std::string count(std::uint64_t n);
std::string boolean(bool b);  // "T" / "F"

}  // namespace bc::node::tsv
