#pragma once
// Splitting an interactive command line into words: whitespace separates, single and
// double quotes group, backslash escapes the next character.

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace bc::shell {

// Unterminated quote or trailing backslash -> kParse.
Result<std::vector<std::string>> tokenize(std::string_view line);

}  // namespace bc::shell
