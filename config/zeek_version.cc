#include "config/zeek_version.h"

#include <charconv>

#include "common/strings.h"

namespace bc::config {
namespace {

// One dot-separated number at the front of `text`; advances past it.
bool take_version_number(std::string_view& text, int* out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  if (ec != std::errc() || *out < 0) return false;
  text.remove_prefix(static_cast<std::size_t>(end - text.data()));
  return true;
}

}  // namespace

std::string ZeekVersion::to_string() const {
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

std::optional<ZeekVersion> parse_zeek_version(std::string_view text) {
  text = trim(text);
  // `zeek --version` prints "zeek version X.Y.Z": the number is the last word.
  if (const std::size_t space = text.find_last_of(" \t"); space != std::string_view::npos) {
    text.remove_prefix(space + 1);
  }
  ZeekVersion v;
  if (!take_version_number(text, &v.major) || !text.starts_with('.')) return std::nullopt;
  text.remove_prefix(1);
  if (!take_version_number(text, &v.minor)) return std::nullopt;
  if (text.starts_with('.')) {
    text.remove_prefix(1);
    if (!take_version_number(text, &v.patch)) return std::nullopt;
  }
  // A pre-release or build suffix ("-dev.42", "-rc1") belongs to the same version.
  if (!text.empty() && text.front() != '-' && text.front() != '+') return std::nullopt;
  return v;
}

}  // namespace bc::config
