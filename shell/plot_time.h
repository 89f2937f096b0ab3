#pragma once
// The times `plot --since/--until` take: `now`, an age (`90s`, `30m`, `6h`, `2d`), seconds
// since the epoch, or a local date and time (`2026-12-07`, `2026-12-07T14:30`,
// `2026-12-07 14:30:15`).

#include <string>

#include "common/status.h"

namespace bc::shell {

// Unix seconds; kInvalidArgument naming the text and the accepted forms.
Result<double> parse_plot_time(const std::string& text, double now);
// Local "YYYY-MM-DD HH:MM:SS".
std::string format_plot_time(double unix_seconds);

}  // namespace bc::shell
