#include "common/os_error.h"

#include <cerrno>
#include <cstring>

namespace bc {
namespace {

// glibc's GNU strerror_r returns a char*, the XSI one an int; overloads pick the right one.
[[maybe_unused]] const char* pick(const char* gnu_result, const char* /*buf*/) {
  return gnu_result;
}
[[maybe_unused]] const char* pick(int xsi_result, const char* buf) {
  return xsi_result == 0 ? buf : "Unknown error";
}

}  // namespace

std::string errno_text(int err) {
  char buf[256] = {};
  return pick(strerror_r(err, buf, sizeof(buf)), buf);
}

Status io_status(std::string_view what, int err) {
  std::string message(what);
  message += ": ";
  message += errno_text(err);
  return Status::io_error(std::move(message));
}

Status file_status(std::string_view what, int err) {
  Status s = io_status(what, err);
  if (err == ENOENT) return Status::not_found(s.message());
  return s;
}

std::string quoted(std::string_view path) {
  std::string out;
  out.reserve(path.size() + 2);
  out += '\'';
  out += path;
  out += '\'';
  return out;
}

std::string quoted(const std::string& path) {
  return quoted(std::string_view(path));
}

std::string quoted(std::string& path) {
  return quoted(std::string_view(path));
}

std::string quoted(const char* path) {
  return quoted(std::string_view(path));
}

}  // namespace bc
