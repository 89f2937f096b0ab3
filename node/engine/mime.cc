#include "node/engine/mime.h"

#include <cctype>

#include "common/strings.h"

namespace bc::node {
namespace {

struct Magic {
  std::string_view prefix;
  const char* type;
};

constexpr Magic kMagic[] = {
    {"%PDF-", "application/pdf"},
    {"\x89PNG\r\n\x1a\n", "image/png"},
    {"GIF87a", "image/gif"},
    {"GIF89a", "image/gif"},
    {"\xff\xd8\xff", "image/jpeg"},
    {"PK\x03\x04", "application/zip"},
    {"\x1f\x8b", "application/x-gzip"},
    {"\x7f"
     "ELF",
     "application/x-executable"},
    {"MZ", "application/x-dosexec"},
};

bool printable(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return false;
    if (c == 0x7f) return false;
  }
  return true;
}

}  // namespace

std::string sniff_mime(std::string_view b) {
  if (b.empty()) return "";
  for (const auto& m : kMagic) {
    if (b.substr(0, m.prefix.size()) == m.prefix) return m.type;
  }
  const auto text = trim(b);
  if (starts_with_icase(text, "<!doctype html") || starts_with_icase(text, "<html")) {
    return "text/html";
  }
  if (starts_with_icase(text, "<?xml")) return "text/xml";
  if (!text.empty() && (text.front() == '{' || text.front() == '[') && printable(b)) {
    return "application/json";
  }
  return printable(b) ? "text/plain" : "application/octet-stream";
}

}  // namespace bc::node
