#include "shell/plot_time.h"

#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace bc::shell {

Result<double> parse_plot_time(const std::string& text, double now) {
  if (text == "now") return now;
  const auto bad = [&] {
    return Status::invalid_argument(
        "'" + text +
        "' is not a time: give now, an age (90s, 30m, 6h, 2d), seconds since the epoch, "
        "or a local date and time (2026-12-07, 2026-12-07T14:30)");
  };
  char* end = nullptr;
  const double number = std::strtod(text.c_str(), &end);
  if (end != text.c_str() && number >= 0) {
    const std::string unit(end);
    if (unit.empty()) return number;
    const double scale = unit == "s"   ? 1
                         : unit == "m" ? 60
                         : unit == "h" ? 3600
                         : unit == "d" ? 86400
                                       : 0;
    if (scale > 0 && text.find('-') == std::string::npos) return now - number * scale;
  }
  std::tm tm{};
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &consumed) !=
      3) {
    return bad();
  }
  const char* rest = text.c_str() + consumed;
  if (*rest == 'T' || *rest == ' ') {
    int more = 0;
    if (std::sscanf(rest + 1, "%2d:%2d%n", &tm.tm_hour, &tm.tm_min, &more) != 2) return bad();
    rest += 1 + more;
    if (*rest == ':') {
      if (std::sscanf(rest + 1, "%2d%n", &tm.tm_sec, &more) != 1) return bad();
      rest += 1 + more;
    }
  }
  if (*rest != '\0' || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
      tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60) {
    return bad();
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  tm.tm_isdst = -1;
  const std::time_t t = std::mktime(&tm);
  if (t == static_cast<std::time_t>(-1)) return bad();
  return static_cast<double>(t);
}

std::string format_plot_time(double unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

}  // namespace bc::shell
