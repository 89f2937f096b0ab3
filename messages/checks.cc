#include "messages/checks.h"

#include <cmath>
#include <string>

namespace bc::msg {
namespace {

Status invalid(std::string_view field, const std::string& what) {
  return Status::bad_message("field '" + std::string(field) + "': " + what);
}

bool is_token_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

}  // namespace

Status check_non_empty(std::string_view field, std::string_view value) {
  if (value.empty()) return invalid(field, "must not be empty");
  return Status::ok();
}

Status check_one_of(std::string_view field, std::string_view value,
                    std::span<const std::string_view> allowed) {
  for (std::string_view a : allowed) {
    if (a == value) return Status::ok();
  }
  std::string list;
  for (std::string_view a : allowed) {
    if (!list.empty()) list += "|";
    list += a;
  }
  return invalid(field, "'" + std::string(value) + "' is not one of " + list);
}

Status check_non_negative(std::string_view field, std::int64_t value) {
  if (value < 0) return invalid(field, "must not be negative, got " + std::to_string(value));
  return Status::ok();
}

Status check_finite_non_negative(std::string_view field, double value) {
  if (!std::isfinite(value) || value < 0) {
    return invalid(field, "must be a finite non-negative number");
  }
  return Status::ok();
}

Status check_token(std::string_view field, std::string_view value) {
  if (value.empty()) return invalid(field, "must not be empty");
  for (char c : value) {
    if (!is_token_char(c)) return invalid(field, "'" + std::string(value) + "' must be [a-z0-9_-]");
  }
  return Status::ok();
}

Status first_error(std::initializer_list<Status> checks) {
  for (const Status& s : checks) {
    if (!s.is_ok()) return s;
  }
  return Status::ok();
}

}  // namespace bc::msg
