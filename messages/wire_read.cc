#include "messages/wire_read.h"

#include <algorithm>

#include "common/strings.h"

namespace bc::msg::detail {
namespace {

std::string_view key_of(const msgpack::object& o) {
  return {o.via.str.ptr, o.via.str.size};
}

Status out_of_range(const std::string& path, const std::string& shown) {
  return Status::bad_message("field '" + path + "': value " + shown + " out of range");
}

Status read_map_value(const msgpack::object& o, const std::string& path, Value& out) {
  Value::Map map;
  for (std::uint32_t i = 0; i < o.via.map.size; ++i) {
    const msgpack::object_kv& kv = o.via.map.ptr[i];
    if (kv.key.type != msgpack::type::STR) return wrong_type(path + " key", "string", kv.key);
    std::string key(key_of(kv.key));
    Value item;
    if (Status s = read_scalar(kv.val, join_path(path, key), item); !s.is_ok()) return s;
    if (!map.emplace(std::move(key), std::move(item)).second) {
      return Status::bad_message("field '" + path + "': duplicate key");
    }
  }
  out = Value(std::move(map));
  return Status::ok();
}

Status read_array_value(const msgpack::object& o, const std::string& path, Value& out) {
  Value::Array array(o.via.array.size);
  for (std::uint32_t i = 0; i < o.via.array.size; ++i) {
    Status s = read_scalar(o.via.array.ptr[i], path + "[" + std::to_string(i) + "]", array[i]);
    if (!s.is_ok()) return s;
  }
  out = Value(std::move(array));
  return Status::ok();
}

}  // namespace

Result<MapIndex> MapIndex::build(const msgpack::object& map, const std::string& path) {
  MapIndex index;
  index.entries_.reserve(map.via.map.size);
  for (std::uint32_t i = 0; i < map.via.map.size; ++i) {
    const msgpack::object_kv& kv = map.via.map.ptr[i];
    if (kv.key.type != msgpack::type::STR) {
      return wrong_type(path.empty() ? std::string("map key") : path + " key", "string", kv.key);
    }
    index.entries_.emplace_back(key_of(kv.key), &kv.val);
  }
  std::sort(index.entries_.begin(), index.entries_.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  auto dup = std::adjacent_find(index.entries_.begin(), index.entries_.end(),
                                [](const auto& a, const auto& b) { return a.first == b.first; });
  if (dup != index.entries_.end()) {
    return Status::bad_message("duplicate key '" + printable(join_path(path, dup->first)) + "'");
  }
  return index;
}

const msgpack::object* MapIndex::find(std::string_view key) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), key,
                             [](const auto& entry, std::string_view k) { return entry.first < k; });
  if (it == entries_.end() || it->first != key) return nullptr;
  return it->second;
}

std::string_view type_name(const msgpack::object& o) {
  switch (o.type) {
    case msgpack::type::NIL:
      return "nil";
    case msgpack::type::BOOLEAN:
      return "bool";
    case msgpack::type::POSITIVE_INTEGER:
    case msgpack::type::NEGATIVE_INTEGER:
      return "integer";
    case msgpack::type::FLOAT32:
    case msgpack::type::FLOAT64:
      return "float";
    case msgpack::type::STR:
      return "string";
    case msgpack::type::BIN:
      return "binary";
    case msgpack::type::ARRAY:
      return "array";
    case msgpack::type::MAP:
      return "map";
    case msgpack::type::EXT:
      return "ext";
  }
  return "unknown";
}

std::string join_path(std::string_view prefix, std::string_view name) {
  if (prefix.empty()) return std::string(name);
  std::string path(prefix);
  path += '.';
  path += name;
  return path;
}

Status wrong_type(const std::string& path, std::string_view expected, const msgpack::object& got) {
  return Status::bad_message("field '" + path + "': expected " + std::string(expected) + ", got " +
                             std::string(type_name(got)));
}

Status read_scalar(const msgpack::object& o, const std::string& path, bool& out) {
  if (o.type != msgpack::type::BOOLEAN) return wrong_type(path, "bool", o);
  out = o.via.boolean;
  return Status::ok();
}

Status read_scalar(const msgpack::object& o, const std::string& path, double& out) {
  // Integers are accepted too: peers written in dynamic languages send 3 for 3.0.
  switch (o.type) {
    case msgpack::type::FLOAT32:
    case msgpack::type::FLOAT64:
      out = o.via.f64;
      return Status::ok();
    case msgpack::type::POSITIVE_INTEGER:
      out = static_cast<double>(o.via.u64);
      return Status::ok();
    case msgpack::type::NEGATIVE_INTEGER:
      out = static_cast<double>(o.via.i64);
      return Status::ok();
    default:
      return wrong_type(path, "number", o);
  }
}

Status read_scalar(const msgpack::object& o, const std::string& path, std::string& out) {
  if (o.type != msgpack::type::STR) return wrong_type(path, "string", o);
  out.assign(o.via.str.ptr, o.via.str.size);
  return Status::ok();
}

Status read_scalar(const msgpack::object& o, const std::string& path, Value& out) {
  switch (o.type) {
    case msgpack::type::NIL:
      out = Value();
      return Status::ok();
    case msgpack::type::BOOLEAN:
      out = Value(o.via.boolean);
      return Status::ok();
    case msgpack::type::POSITIVE_INTEGER:
      out = Value(o.via.u64);
      return Status::ok();
    case msgpack::type::NEGATIVE_INTEGER:
      out = Value(o.via.i64);
      return Status::ok();
    case msgpack::type::FLOAT32:
    case msgpack::type::FLOAT64:
      out = Value(o.via.f64);
      return Status::ok();
    case msgpack::type::STR:
      out = Value(std::string(key_of(o)));
      return Status::ok();
    case msgpack::type::BIN: {
      const auto* p = reinterpret_cast<const std::uint8_t*>(o.via.bin.ptr);
      out = Value(Binary{std::vector<std::uint8_t>(p, p + o.via.bin.size)});
      return Status::ok();
    }
    case msgpack::type::ARRAY:
      return read_array_value(o, path, out);
    case msgpack::type::MAP:
      return read_map_value(o, path, out);
    default:
      return wrong_type(path, "a plain value", o);
  }
}

Status read_signed(const msgpack::object& o, const std::string& path, std::int64_t lo,
                   std::int64_t hi, std::int64_t& out) {
  if (o.type == msgpack::type::POSITIVE_INTEGER) {
    if (o.via.u64 > static_cast<std::uint64_t>(hi))
      return out_of_range(path, std::to_string(o.via.u64));
    out = static_cast<std::int64_t>(o.via.u64);
    return Status::ok();
  }
  if (o.type == msgpack::type::NEGATIVE_INTEGER) {
    if (o.via.i64 < lo) return out_of_range(path, std::to_string(o.via.i64));
    out = o.via.i64;
    return Status::ok();
  }
  return wrong_type(path, "integer", o);
}

Status read_unsigned(const msgpack::object& o, const std::string& path, std::uint64_t hi,
                     std::uint64_t& out) {
  if (o.type == msgpack::type::NEGATIVE_INTEGER) {
    return Status::bad_message("field '" + path + "': negative value " + std::to_string(o.via.i64) +
                               " for an unsigned field");
  }
  if (o.type != msgpack::type::POSITIVE_INTEGER) return wrong_type(path, "integer", o);
  if (o.via.u64 > hi) return out_of_range(path, std::to_string(o.via.u64));
  out = o.via.u64;
  return Status::ok();
}

}  // namespace bc::msg::detail
