#pragma once
// Value: a dynamic, JSON-like value (nil, bool, integer, double, string, binary, array,
// map) used where a message carries free-form data: request args and reply results.
// It is encoded natively as msgpack and rendered as JSON.
//
// A plain value type: copyable, no shared state, safe to use from any one thread at a
// time. Accessors never throw: as_*() return an empty optional/nullptr on a kind mismatch,
// get_*(key) return a Result whose Status names the key.
//
// Integers are kept canonical: a non-negative integer that fits in int64 is always stored
// as kInt, so Value(5u) == Value(5) and a round trip through msgpack preserves equality.
// kUint only holds values above INT64_MAX. Map keys are sorted (std::map), which makes
// encodings and JSON output deterministic.

#include <concepts>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/status.h"

namespace bc::msg {

struct Binary {
  std::vector<std::uint8_t> bytes;
  bool operator==(const Binary&) const = default;
};

class Value {
 public:
  using Array = std::vector<Value>;
  using Map = std::map<std::string, Value, std::less<>>;
  enum class Kind { kNil, kBool, kInt, kUint, kDouble, kString, kBinary, kArray, kMap };

  Value() = default;
  Value(std::nullptr_t) {}  // NOLINT(google-explicit-constructor)
  Value(bool b) : v_(b) {}  // NOLINT(google-explicit-constructor)
  template <std::signed_integral T>
  Value(T i) : v_(static_cast<std::int64_t>(i)) {}  // NOLINT(google-explicit-constructor)
  template <std::unsigned_integral T>
  requires(!std::same_as<T, bool>) Value(T u) {  // NOLINT(google-explicit-constructor)
    set_unsigned(static_cast<std::uint64_t>(u));
  }
  Value(double d) : v_(d) {}                         // NOLINT(google-explicit-constructor)
  Value(const char* s) : v_(std::string(s)) {}       // NOLINT(google-explicit-constructor)
  Value(std::string s) : v_(std::move(s)) {}         // NOLINT(google-explicit-constructor)
  Value(std::string_view s) : v_(std::string(s)) {}  // NOLINT(google-explicit-constructor)
  Value(Binary b) : v_(std::move(b)) {}              // NOLINT(google-explicit-constructor)
  Value(Array a) : v_(std::move(a)) {}               // NOLINT(google-explicit-constructor)
  Value(Map m) : v_(std::move(m)) {}                 // NOLINT(google-explicit-constructor)

  static Value empty_map() { return Value(Map{}); }
  static Value empty_array() { return Value(Array{}); }

  Kind kind() const { return static_cast<Kind>(v_.index()); }
  bool is_nil() const { return kind() == Kind::kNil; }
  bool is_map() const { return kind() == Kind::kMap; }
  bool is_array() const { return kind() == Kind::kArray; }

  std::optional<bool> as_bool() const;
  // Any integer that fits in int64.
  std::optional<std::int64_t> as_int() const;
  // Any non-negative integer.
  std::optional<std::uint64_t> as_uint() const;
  // A double, or an integer converted to double.
  std::optional<double> as_double() const;
  const std::string* as_string() const;
  const Binary* as_binary() const;
  const Array* as_array() const;
  const Map* as_map() const;
  Array* as_array();
  Map* as_map();

  // Map lookup; nullptr when this is not a map or has no such key.
  const Value* find(std::string_view key) const;
  // Typed map lookup: kNotFound when the key is absent, kInvalidArgument when it has
  // another kind (the message names the key and both kinds).
  Result<std::string> get_string(std::string_view key) const;
  Result<std::int64_t> get_int(std::string_view key) const;
  Result<std::uint64_t> get_uint(std::string_view key) const;
  Result<double> get_double(std::string_view key) const;
  Result<bool> get_bool(std::string_view key) const;

  // Builders. set() turns a non-map into an empty map first; push_back() likewise for
  // arrays. Both return *this so that calls chain.
  Value& set(std::string key, Value value);
  Value& push_back(Value value);

  bool operator==(const Value& other) const { return v_ == other.v_; }

 private:
  void set_unsigned(std::uint64_t u);

  std::variant<std::monostate, bool, std::int64_t, std::uint64_t, double, std::string, Binary,
               Array, Map>
      v_;
};

// "nil", "bool", "int", ... for error messages.
std::string_view kind_name(Value::Kind kind);

}  // namespace bc::msg
