#pragma once
// A small JSON reader (RFC 8259): one document in, a tree out; accessors on a missing key
// or index give a null value. It reads untrusted text (Zeek's WebSocket answers, see
// docs/ZEEK.md) as well as the tests' `--json` output: nesting is bounded (64 levels),
// malformed text gives nullopt, and nothing throws.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace bc::msg {

class Json {
 public:
  using Array = std::vector<Json>;
  using Object = std::map<std::string, Json>;

  Json() = default;
  // nullopt when `text` is not one JSON value (surrounding white space allowed).
  static std::optional<Json> parse(std::string_view text);

  bool is_null() const { return std::holds_alternative<std::monostate>(v_); }
  bool is_object() const { return std::holds_alternative<Object>(v_); }
  bool is_array() const { return std::holds_alternative<Array>(v_); }
  bool is_string() const { return std::holds_alternative<std::string>(v_); }
  bool is_number() const { return std::holds_alternative<double>(v_); }
  // Members and elements; a missing one is null, so chains like j["a"][0]["b"] are safe.
  const Json& operator[](const std::string& key) const;
  const Json& operator[](std::size_t index) const;
  std::size_t size() const;
  const Array& array() const;
  // "" / 0 / false when of another kind.
  std::string str() const;
  double num() const;
  std::int64_t integer() const { return static_cast<std::int64_t>(num()); }
  bool boolean() const;

 private:
  friend class JsonParser;
  std::variant<std::monostate, bool, double, std::string, Array, Object> v_;
};

}  // namespace bc::msg
