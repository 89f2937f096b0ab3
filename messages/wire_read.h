#pragma once
// Internal to bc_messages (included by codec.cc only): reading a decoded msgpack::object
// tree into message structs through their fields() lists. Nothing here throws; every
// mismatch becomes a kBadMessage Status naming the field by its path ("disks[1].path").
// REQUIRES: the buffer passed detail::scan_msgpack, which bounds depth and sizes.

#include <msgpack.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "messages/fields.h"
#include "messages/traits.h"
#include "messages/value.h"

namespace bc::msg::detail {

// The string keys of one msgpack map, sorted for lookup. Building it rejects non-string
// and duplicate keys, so that "which of two 'pid' keys wins" never has to be answered.
class MapIndex {
 public:
  static Result<MapIndex> build(const msgpack::object& map, const std::string& path);
  const msgpack::object* find(std::string_view key) const;

 private:
  std::vector<std::pair<std::string_view, const msgpack::object*>> entries_;
};

std::string_view type_name(const msgpack::object& o);
std::string join_path(std::string_view prefix, std::string_view name);
Status wrong_type(const std::string& path, std::string_view expected, const msgpack::object& got);

Status read_scalar(const msgpack::object& o, const std::string& path, bool& out);
Status read_scalar(const msgpack::object& o, const std::string& path, double& out);
Status read_scalar(const msgpack::object& o, const std::string& path, std::string& out);
Status read_scalar(const msgpack::object& o, const std::string& path, Value& out);
Status read_signed(const msgpack::object& o, const std::string& path, std::int64_t lo,
                   std::int64_t hi, std::int64_t& out);
Status read_unsigned(const msgpack::object& o, const std::string& path, std::uint64_t hi,
                     std::uint64_t& out);

template <class T>
Status read_field(const msgpack::object& o, const std::string& path, T& out);

// The visitor passed to fields(): looks each field up in the index and reads it. Stops
// at the first error.
class FieldReader {
 public:
  FieldReader(const MapIndex& index, std::string prefix)
      : index_(index), prefix_(std::move(prefix)) {}

  template <class T>
  void operator()(std::string_view name, T& member, Presence presence) {
    if (!status_.is_ok()) return;
    const msgpack::object* o = index_.find(name);
    if (o == nullptr) {
      if (presence == Presence::kRequired) {
        status_ = Status::bad_message("missing required field '" + join_path(prefix_, name) + "'");
      }
      return;
    }
    status_ = read_field(*o, join_path(prefix_, name), member);
  }
  const Status& status() const { return status_; }

 private:
  const MapIndex& index_;
  std::string prefix_;
  Status status_;
};

template <FieldStruct T>
Status read_struct(const msgpack::object& o, const std::string& path, T& out) {
  if (o.type != msgpack::type::MAP) return wrong_type(path, "map", o);
  Result<MapIndex> index = MapIndex::build(o, path);
  if (!index) return index.status();
  FieldReader reader(*index, path);
  out.fields(reader);
  return reader.status();
}

template <class T>
Status read_array(const msgpack::object& o, const std::string& path, std::vector<T>& out) {
  if (o.type != msgpack::type::ARRAY) return wrong_type(path, "array", o);
  out.clear();
  out.resize(o.via.array.size);
  for (std::uint32_t i = 0; i < o.via.array.size; ++i) {
    Status s = read_field(o.via.array.ptr[i], path + "[" + std::to_string(i) + "]", out[i]);
    if (!s.is_ok()) return s;
  }
  return Status::ok();
}

template <class M>
Status read_string_map(const msgpack::object& o, const std::string& path, M& out) {
  if (o.type != msgpack::type::MAP) return wrong_type(path, "map", o);
  out.clear();
  for (std::uint32_t i = 0; i < o.via.map.size; ++i) {
    const msgpack::object_kv& kv = o.via.map.ptr[i];
    if (kv.key.type != msgpack::type::STR) return wrong_type(path + " key", "string", kv.key);
    std::string key(kv.key.via.str.ptr, kv.key.via.str.size);
    typename M::mapped_type value{};
    if (Status s = read_field(kv.val, join_path(path, key), value); !s.is_ok()) return s;
    if (!out.emplace(std::move(key), std::move(value)).second) {
      return Status::bad_message("field '" + path + "': duplicate key");
    }
  }
  return Status::ok();
}

template <class T>
Status read_field(const msgpack::object& o, const std::string& path, T& out) {
  if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, double> ||
                std::is_same_v<T, std::string> || std::is_same_v<T, Value>) {
    return read_scalar(o, path, out);
  } else if constexpr (std::is_enum_v<T>) {
    std::underlying_type_t<T> raw{};
    Status s = read_field(o, path, raw);
    if (s.is_ok()) out = static_cast<T>(raw);
    return s;
  } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
    std::int64_t v = 0;
    Status s =
        read_signed(o, path, std::numeric_limits<T>::min(), std::numeric_limits<T>::max(), v);
    if (s.is_ok()) out = static_cast<T>(v);
    return s;
  } else if constexpr (std::is_integral_v<T>) {
    std::uint64_t v = 0;
    Status s = read_unsigned(o, path, std::numeric_limits<T>::max(), v);
    if (s.is_ok()) out = static_cast<T>(v);
    return s;
  } else if constexpr (IsOptional<T>::value) {
    typename T::value_type v{};
    Status s = read_field(o, path, v);
    if (s.is_ok()) out = std::move(v);
    return s;
  } else if constexpr (IsVector<T>::value) {
    return read_array(o, path, out);
  } else if constexpr (IsStringMap<T>::value) {
    return read_string_map(o, path, out);
  } else {
    return read_struct(o, path, out);
  }
}

}  // namespace bc::msg::detail
