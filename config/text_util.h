#pragma once
// Private helpers shared by the config parsers; not part of the module's public API.

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace bc::config::detail {

// Drops a whole-line comment ("# ...") or a trailing comment (a '#' preceded by
// whitespace, so that "a#b" stays a value) and trims what is left.
std::string_view strip_comment(std::string_view line);

// Calls fn(line_number, line) for every line of `text`; line numbers are 1-based and a
// trailing '\r' is removed so that files edited on Windows read the same.
template <class Fn>
void for_each_line(std::string_view text, Fn&& fn) {
  int number = 0;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    fn(++number, line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
}

// Case-insensitive (ASCII) equality without allocating; option lookups run it often.
bool iequal(std::string_view a, std::string_view b);

// Reads a whole file. nullopt on failure with errno in *err_no (never throws).
std::optional<std::string> read_text_file(const std::string& path, int* err_no);

// The candidate closest to `word` (case-insensitive edit distance <= 2), or empty; used
// for "did you mean" hints on misspelt options and keys.
std::string closest_match(std::string_view word, std::span<const std::string_view> candidates);

// " (did you mean 'X'?)" or empty.
std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates);

}  // namespace bc::config::detail
