#pragma once
// Internal to bc_messages (included by codec.cc only): writing message structs as
// msgpack maps through their fields() lists. Writing cannot fail short of bad_alloc.

#include <msgpack.hpp>

#include <cstdint>
#include <string_view>
#include <type_traits>

#include "messages/fields.h"
#include "messages/traits.h"
#include "messages/value.h"

namespace bc::msg::detail {

using Packer = msgpack::packer<msgpack::sbuffer>;

void write_string(Packer& pk, std::string_view s);
void write_value(Packer& pk, const Value& value);

template <class T>
void write_field(Packer& pk, const T& member);

class FieldCounter {
 public:
  template <class T>
  void operator()(std::string_view, const T& member, Presence) {
    if (!is_absent(member)) ++count_;
  }
  std::uint32_t count() const { return count_; }

 private:
  std::uint32_t count_ = 0;
};

class FieldWriter {
 public:
  explicit FieldWriter(Packer& pk) : pk_(pk) {}
  template <class T>
  void operator()(std::string_view name, const T& member, Presence) {
    if (is_absent(member)) return;
    write_string(pk_, name);
    write_field(pk_, member);
  }

 private:
  Packer& pk_;
};

template <FieldStruct T>
void write_struct(Packer& pk, const T& s) {
  // fields() is one non-const list shared with the reader; these two visitors only read.
  T& walk = const_cast<T&>(s);
  FieldCounter counter;
  walk.fields(counter);
  pk.pack_map(counter.count());
  FieldWriter writer(pk);
  walk.fields(writer);
}

template <class T>
void write_field(Packer& pk, const T& member) {
  if constexpr (std::is_same_v<T, bool>) {
    member ? pk.pack_true() : pk.pack_false();
  } else if constexpr (std::is_enum_v<T>) {
    write_field(pk, static_cast<std::underlying_type_t<T>>(member));
  } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
    pk.pack_int64(member);  // msgpack-c picks the shortest encoding for the value
  } else if constexpr (std::is_integral_v<T>) {
    pk.pack_uint64(member);
  } else if constexpr (std::is_same_v<T, double>) {
    pk.pack_double(member);
  } else if constexpr (std::is_same_v<T, std::string>) {
    write_string(pk, member);
  } else if constexpr (std::is_same_v<T, Value>) {
    write_value(pk, member);
  } else if constexpr (IsOptional<T>::value) {
    write_field(pk, *member);
  } else if constexpr (IsVector<T>::value) {
    pk.pack_array(static_cast<std::uint32_t>(member.size()));
    for (const auto& item : member) {
      write_field(pk, item);
    }
  } else if constexpr (IsStringMap<T>::value) {
    pk.pack_map(static_cast<std::uint32_t>(member.size()));
    for (const auto& [key, item] : member) {
      write_string(pk, key);
      write_field(pk, item);
    }
  } else {
    write_struct(pk, member);
  }
}

}  // namespace bc::msg::detail
