#include "common/status.h"

#include <array>

namespace bc {
namespace {

struct CodeName {
  ErrorCode code;
  std::string_view name;
};

constexpr std::array kNames = {
    CodeName{ErrorCode::kOk, "ok"},
    CodeName{ErrorCode::kInvalidArgument, "invalid_argument"},
    CodeName{ErrorCode::kNotFound, "not_found"},
    CodeName{ErrorCode::kParse, "parse_error"},
    CodeName{ErrorCode::kIo, "io_error"},
    CodeName{ErrorCode::kTimeout, "timeout"},
    CodeName{ErrorCode::kUnreachable, "unreachable"},
    CodeName{ErrorCode::kUnsupported, "unsupported"},
    CodeName{ErrorCode::kBadMessage, "bad_message"},
    CodeName{ErrorCode::kBadVersion, "bad_version"},
    CodeName{ErrorCode::kTooLarge, "too_large"},
    CodeName{ErrorCode::kBusy, "busy"},
    CodeName{ErrorCode::kInternal, "internal"},
    CodeName{ErrorCode::kPermissionDenied, "permission_denied"},
    CodeName{ErrorCode::kConflict, "conflict"},
    CodeName{ErrorCode::kUnknownCommand, "unknown_command"},
    CodeName{ErrorCode::kFailed, "failed"},
    CodeName{ErrorCode::kCancelled, "cancelled"},
};

}  // namespace

std::string_view error_code_name(ErrorCode code) {
  for (const auto& entry : kNames) {
    if (entry.code == code) return entry.name;
  }
  return "unknown";
}

std::optional<ErrorCode> error_code_from_name(std::string_view name) {
  for (const auto& entry : kNames) {
    if (entry.name == name) return entry.code;
  }
  return std::nullopt;
}

bool is_known_error_code(std::uint16_t raw) {
  for (const auto& entry : kNames) {
    if (static_cast<std::uint16_t>(entry.code) == raw) return true;
  }
  return false;
}

std::string Status::to_string() const {
  if (is_ok()) return "ok";
  return std::string(error_code_name(code_)) + ": " + message_;
}

}  // namespace bc
