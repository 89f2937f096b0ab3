#include "config/diagnostics.h"

#include <algorithm>
#include <utility>

namespace bc::config {

std::string Diagnostic::render() const {
  std::string out = severity == Severity::kError ? "Error: " : "Warning: ";
  if (!file.empty()) {
    out += file;
    if (line > 0) out += ":" + std::to_string(line);
    out += ": ";
  }
  if (!node.empty()) out += "node '" + node + "': ";
  out += message;
  return out;
}

void Diagnostics::error(std::string file, int line, std::string message, std::string node) {
  items_.push_back({Severity::kError, std::move(file), line, std::move(node), std::move(message)});
}

void Diagnostics::warning(std::string file, int line, std::string message, std::string node) {
  items_.push_back(
      {Severity::kWarning, std::move(file), line, std::move(node), std::move(message)});
}

bool Diagnostics::has_errors() const {
  return std::any_of(items_.begin(), items_.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::kError; });
}

std::string Diagnostics::render_all() const {
  std::string out;
  for (const Diagnostic& d : items_)
    out += d.render() + "\n";
  return out;
}

}  // namespace bc::config
