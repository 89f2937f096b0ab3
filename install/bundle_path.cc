#include "install/bundle_path.h"

#include <algorithm>
#include <array>
#include <string>

#include "common/os_error.h"

namespace bc::install {
namespace {

constexpr std::array<std::string_view, 5> kTopDirs = {"etc", "policy", "site", "auto", "bin"};

// Printable form of a hostile path: control bytes as \xNN so that a log line stays one
// line and a NUL does not cut the message.
std::string printable(std::string_view path) {
  std::string out;
  for (unsigned char c : path.substr(0, 200)) {
    if (c < 0x20 || c == 0x7f) {
      static constexpr char kDigits[] = "0123456789abcdef";
      out += "\\x";
      out += kDigits[c >> 4];
      out += kDigits[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (path.size() > 200) out += "...";
  return quoted(out);
}

Status bad(std::string_view path, std::string_view why) {
  return Status::invalid_argument("bundle path " + printable(path) + " " + std::string(why));
}

}  // namespace

Status validate_bundle_path(std::string_view path) {
  if (path.empty()) return bad(path, "is empty");
  if (path.size() > kMaxPathBytes) {
    return Status(ErrorCode::kTooLarge, "bundle path " + printable(path) + " is longer than " +
                                            std::to_string(kMaxPathBytes) + " bytes");
  }
  for (unsigned char c : path) {
    if (c < 0x20 || c == 0x7f) return bad(path, "contains a control character");
    if (c == '\\') return bad(path, "contains a backslash");
  }
  if (path.front() == '/') return bad(path, "is absolute");
  std::size_t start = 0;
  bool first = true;
  for (;;) {
    const std::size_t slash = path.find('/', start);
    const std::string_view part = path.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (part.empty() || part == "." || part == "..") {
      return bad(path, "has an empty, '.' or '..' component");
    }
    if (part.size() > kMaxComponentBytes) {
      return Status(ErrorCode::kTooLarge, "bundle path " + printable(path) +
                                              " has a component longer than " +
                                              std::to_string(kMaxComponentBytes) + " bytes");
    }
    if (first && std::find(kTopDirs.begin(), kTopDirs.end(), part) == kTopDirs.end()) {
      return bad(path, "is not under etc/, policy/, site/, auto/ or bin/");
    }
    if (first && slash == std::string_view::npos) return bad(path, "names a top directory");
    first = false;
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return Status::ok();
}

}  // namespace bc::install
