#pragma once
// Internal to bc_messages (included by codec.cc only): rendering message structs as JSON
// through their fields() lists, with the wire's field names and order. Binary values are
// rendered as base64 strings, since JSON has no byte strings.

#include <string_view>
#include <type_traits>

#include "messages/fields.h"
#include "messages/json_writer.h"
#include "messages/traits.h"
#include "messages/value.h"

namespace bc::msg::detail {

void render_value(JsonWriter& w, const Value& value);

template <class T>
void render_field(JsonWriter& w, const T& member);

class FieldRenderer {
 public:
  explicit FieldRenderer(JsonWriter& w) : w_(w) {}
  template <class T>
  void operator()(std::string_view name, const T& member, Presence) {
    if (is_absent(member)) return;
    w_.key(name);
    render_field(w_, member);
  }

 private:
  JsonWriter& w_;
};

template <FieldStruct T>
void render_struct(JsonWriter& w, const T& s) {
  T& walk = const_cast<T&>(s);  // the renderer only reads; see write_struct
  w.begin_object();
  FieldRenderer renderer(w);
  walk.fields(renderer);
  w.end_object();
}

template <class T>
void render_field(JsonWriter& w, const T& member) {
  if constexpr (std::is_same_v<T, bool>) {
    w.bool_value(member);
  } else if constexpr (std::is_enum_v<T>) {
    render_field(w, static_cast<std::underlying_type_t<T>>(member));
  } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
    w.int_value(member);
  } else if constexpr (std::is_integral_v<T>) {
    w.uint_value(member);
  } else if constexpr (std::is_same_v<T, double>) {
    w.double_value(member);
  } else if constexpr (std::is_same_v<T, std::string>) {
    w.string_value(member);
  } else if constexpr (std::is_same_v<T, Value>) {
    render_value(w, member);
  } else if constexpr (IsOptional<T>::value) {
    render_field(w, *member);
  } else if constexpr (IsVector<T>::value) {
    w.begin_array();
    for (const auto& item : member) {
      render_field(w, item);
    }
    w.end_array();
  } else if constexpr (IsStringMap<T>::value) {
    w.begin_object();
    for (const auto& [key, item] : member) {
      w.key(key);
      render_field(w, item);
    }
    w.end_object();
  } else {
    render_struct(w, member);
  }
}

}  // namespace bc::msg::detail
