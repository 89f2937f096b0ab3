#include "messages/value.h"

#include <limits>

namespace bc::msg {
namespace {

constexpr auto kInt64Max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

template <class T>
Result<T> lookup(const Value& map, std::string_view key, std::optional<T> (Value::*as)() const,
                 std::string_view want) {
  const Value* found = map.find(key);
  if (found == nullptr) return Status::not_found("missing key '" + std::string(key) + "'");
  std::optional<T> v = (found->*as)();
  if (!v) {
    return Status::invalid_argument("key '" + std::string(key) + "': expected " +
                                    std::string(want) + ", got " +
                                    std::string(kind_name(found->kind())));
  }
  return *v;
}

}  // namespace

void Value::set_unsigned(std::uint64_t u) {
  if (u <= kInt64Max) {
    v_ = static_cast<std::int64_t>(u);
  } else {
    v_ = u;
  }
}

std::optional<bool> Value::as_bool() const {
  if (const bool* b = std::get_if<bool>(&v_)) return *b;
  return std::nullopt;
}

std::optional<std::int64_t> Value::as_int() const {
  if (const auto* i = std::get_if<std::int64_t>(&v_)) return *i;
  return std::nullopt;  // kUint never fits: it only holds values above INT64_MAX
}

std::optional<std::uint64_t> Value::as_uint() const {
  if (const auto* u = std::get_if<std::uint64_t>(&v_)) return *u;
  if (const auto* i = std::get_if<std::int64_t>(&v_); i != nullptr && *i >= 0) {
    return static_cast<std::uint64_t>(*i);
  }
  return std::nullopt;
}

std::optional<double> Value::as_double() const {
  if (const auto* d = std::get_if<double>(&v_)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(&v_)) return static_cast<double>(*i);
  if (const auto* u = std::get_if<std::uint64_t>(&v_)) return static_cast<double>(*u);
  return std::nullopt;
}

const std::string* Value::as_string() const {
  return std::get_if<std::string>(&v_);
}
const Binary* Value::as_binary() const {
  return std::get_if<Binary>(&v_);
}
const Value::Array* Value::as_array() const {
  return std::get_if<Array>(&v_);
}
const Value::Map* Value::as_map() const {
  return std::get_if<Map>(&v_);
}
Value::Array* Value::as_array() {
  return std::get_if<Array>(&v_);
}
Value::Map* Value::as_map() {
  return std::get_if<Map>(&v_);
}

const Value* Value::find(std::string_view key) const {
  const Map* m = as_map();
  if (m == nullptr) return nullptr;
  auto it = m->find(key);
  return it == m->end() ? nullptr : &it->second;
}

Result<std::string> Value::get_string(std::string_view key) const {
  const Value* found = find(key);
  if (found == nullptr) return Status::not_found("missing key '" + std::string(key) + "'");
  const std::string* s = found->as_string();
  if (s == nullptr) {
    return Status::invalid_argument("key '" + std::string(key) + "': expected string, got " +
                                    std::string(kind_name(found->kind())));
  }
  return *s;
}

Result<std::int64_t> Value::get_int(std::string_view key) const {
  return lookup<std::int64_t>(*this, key, &Value::as_int, "integer");
}

Result<std::uint64_t> Value::get_uint(std::string_view key) const {
  return lookup<std::uint64_t>(*this, key, &Value::as_uint, "non-negative integer");
}

Result<double> Value::get_double(std::string_view key) const {
  return lookup<double>(*this, key, &Value::as_double, "number");
}

Result<bool> Value::get_bool(std::string_view key) const {
  return lookup<bool>(*this, key, &Value::as_bool, "bool");
}

Value& Value::set(std::string key, Value value) {
  if (!is_map()) v_ = Map{};
  std::get<Map>(v_).insert_or_assign(std::move(key), std::move(value));
  return *this;
}

Value& Value::push_back(Value value) {
  if (!is_array()) v_ = Array{};
  std::get<Array>(v_).push_back(std::move(value));
  return *this;
}

std::string_view kind_name(Value::Kind kind) {
  switch (kind) {
    case Value::Kind::kNil:
      return "nil";
    case Value::Kind::kBool:
      return "bool";
    case Value::Kind::kInt:
      return "int";
    case Value::Kind::kUint:
      return "uint";
    case Value::Kind::kDouble:
      return "double";
    case Value::Kind::kString:
      return "string";
    case Value::Kind::kBinary:
      return "binary";
    case Value::Kind::kArray:
      return "array";
    case Value::Kind::kMap:
      return "map";
  }
  return "unknown";
}

}  // namespace bc::msg
