#pragma once
// Status and Result<T>: failures as values inside BroCluster. Exceptions stop at three
// borders (message decoding, per-message dispatch, main); everywhere else a function that
// can fail returns one of these. ErrorCode numbers travel on the wire in replies, so they
// are pinned: never renumber, only append.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace bc {

enum class ErrorCode : std::uint16_t {
  kOk = 0,
  kInvalidArgument = 1,  // a caller-supplied value is malformed or out of range
  kNotFound = 2,         // named thing (node, file, option) does not exist
  kParse = 3,            // text input (config, script) could not be parsed
  kIo = 4,               // the operating system refused a read/write/spawn
  kTimeout = 5,          // a deadline passed
  kUnreachable = 6,      // a peer did not answer within CommTimeout
  kUnsupported = 7,      // the peer or node program cannot do this
  kBadMessage = 8,       // a wire message is malformed (type, missing field, garbage)
  kBadVersion = 9,       // a wire message has a version we do not speak
  kTooLarge = 10,        // a frame or field is above its limit
  kBusy = 11,            // the resource is held by someone else (lock, in-flight op)
  kInternal = 12,        // a bug: an invariant did not hold
  kPermissionDenied = 13,
  kConflict = 14,  // the request contradicts current state
  kUnknownCommand = 15,
  kFailed = 16,     // the operation ran and reported failure (node crashed at start)
  kCancelled = 17,  // the requester cancelled it (Ctrl-C in the shell, `cancel`)
};

// Stable lower-case name used in logs and JSON ("invalid_argument").
std::string_view error_code_name(ErrorCode code);
std::optional<ErrorCode> error_code_from_name(std::string_view name);
// True for values that are defined above; used when decoding numbers off the wire.
bool is_known_error_code(std::uint16_t raw);

class Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return {}; }
  static Status invalid_argument(std::string m) {
    return {ErrorCode::kInvalidArgument, std::move(m)};
  }
  static Status not_found(std::string m) { return {ErrorCode::kNotFound, std::move(m)}; }
  static Status parse_error(std::string m) { return {ErrorCode::kParse, std::move(m)}; }
  static Status io_error(std::string m) { return {ErrorCode::kIo, std::move(m)}; }
  static Status timeout(std::string m) { return {ErrorCode::kTimeout, std::move(m)}; }
  static Status unreachable(std::string m) { return {ErrorCode::kUnreachable, std::move(m)}; }
  static Status unsupported(std::string m) { return {ErrorCode::kUnsupported, std::move(m)}; }
  static Status bad_message(std::string m) { return {ErrorCode::kBadMessage, std::move(m)}; }
  static Status internal(std::string m) { return {ErrorCode::kInternal, std::move(m)}; }

  bool is_ok() const { return code_ == ErrorCode::kOk; }
  explicit operator bool() const { return is_ok(); }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "invalid_argument: <message>" — for logs; user-facing output prints message() alone.
  std::string to_string() const;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

// A value or the Status explaining why there is none.
// REQUIRES: value() only when is_ok(); status() only meaningful when !is_ok().
template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {}  // NOLINT(google-explicit-constructor)

  bool is_ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return is_ok(); }
  const T& value() const& { return std::get<T>(v_); }
  T& value() & { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }
  Status status() const { return is_ok() ? Status::ok() : std::get<Status>(v_); }
  T value_or(T fallback) const { return is_ok() ? value() : std::move(fallback); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace bc
