#include "shell/table.h"

#include <algorithm>
#include <cstdio>

namespace bc::shell {

std::string Table::render() const {
  std::vector<std::size_t> width(headers_.size());
  for (std::size_t c = 0; c < headers_.size(); ++c) {
    width[c] = headers_[c].size();
    for (const auto& row : rows_)
      width[c] = std::max(width[c], row.at(c).size());
  }
  std::string out;
  auto line = [&](const std::vector<std::string>& cells) {
    std::string text;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      text += cells[c];
      if (c + 1 < cells.size()) text += std::string(width[c] - cells[c].size() + 2, ' ');
    }
    while (!text.empty() && text.back() == ' ')
      text.pop_back();
    out += text + "\n";
  };
  line(headers_);
  for (const auto& row : rows_)
    line(row);
  return out;
}

std::string human_bytes(double bytes) {
  const char* units[] = {"", "K", "M", "G", "T", "P"};
  int unit = 0;
  while (bytes >= 1024 && unit < 5) {
    bytes /= 1024;
    ++unit;
  }
  char buf[32];
  if (unit == 0) {
    std::snprintf(buf, sizeof buf, "%.0f", bytes);
  } else {
    std::snprintf(buf, sizeof buf, bytes < 10 ? "%.1f%s" : "%.0f%s", bytes, units[unit]);
  }
  return buf;
}

}  // namespace bc::shell
