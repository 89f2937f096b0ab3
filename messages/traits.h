#pragma once
// Internal to bc_messages: type traits that let the field visitors dispatch on member
// types (std::optional, std::vector, std::map with string keys, nested field structs).

#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace bc::msg::detail {

template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};

template <class T>
struct IsVector : std::false_type {};
template <class T>
struct IsVector<std::vector<T>> : std::true_type {};

template <class T>
struct IsStringMap : std::false_type {};
template <class T, class C>
struct IsStringMap<std::map<std::string, T, C>> : std::true_type {};

// A visitor that does nothing: lets FieldStruct ask "does T have fields()?".
struct NullVisitor {
  template <class T, class P>
  void operator()(const char*, T&, P) {}
};

template <class T>
concept FieldStruct = requires(T& t, NullVisitor& v) {
  t.fields(v);
};

// An empty std::optional is left out of encodings and JSON altogether.
template <class T>
bool is_absent(const T& member) {
  if constexpr (IsOptional<T>::value) {
    return !member.has_value();
  } else {
    return false;
  }
}

}  // namespace bc::msg::detail
