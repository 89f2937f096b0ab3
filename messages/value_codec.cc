// Non-template writers for strings and Values, shared by the msgpack and JSON paths.

#include <array>
#include <string>

#include "common/base64.h"
#include "messages/json_render.h"
#include "messages/wire_write.h"

namespace bc::msg::detail {
namespace {}  // namespace

void write_string(Packer& pk, std::string_view s) {
  pk.pack_str(static_cast<std::uint32_t>(s.size()));
  pk.pack_str_body(s.data(), static_cast<std::uint32_t>(s.size()));
}

void write_value(Packer& pk, const Value& value) {
  switch (value.kind()) {
    case Value::Kind::kNil:
      pk.pack_nil();
      return;
    case Value::Kind::kBool:
      *value.as_bool() ? pk.pack_true() : pk.pack_false();
      return;
    case Value::Kind::kInt:
      pk.pack_int64(*value.as_int());
      return;
    case Value::Kind::kUint:
      pk.pack_uint64(*value.as_uint());
      return;
    case Value::Kind::kDouble:
      pk.pack_double(*value.as_double());
      return;
    case Value::Kind::kString:
      write_string(pk, *value.as_string());
      return;
    case Value::Kind::kBinary: {
      const auto& bytes = value.as_binary()->bytes;
      pk.pack_bin(static_cast<std::uint32_t>(bytes.size()));
      pk.pack_bin_body(reinterpret_cast<const char*>(bytes.data()),
                       static_cast<std::uint32_t>(bytes.size()));
      return;
    }
    case Value::Kind::kArray:
      pk.pack_array(static_cast<std::uint32_t>(value.as_array()->size()));
      for (const Value& item : *value.as_array()) {
        write_value(pk, item);
      }
      return;
    case Value::Kind::kMap:
      pk.pack_map(static_cast<std::uint32_t>(value.as_map()->size()));
      for (const auto& [key, item] : *value.as_map()) {
        write_string(pk, key);
        write_value(pk, item);
      }
      return;
  }
}

void render_value(JsonWriter& w, const Value& value) {
  switch (value.kind()) {
    case Value::Kind::kNil:
      w.null_value();
      return;
    case Value::Kind::kBool:
      w.bool_value(*value.as_bool());
      return;
    case Value::Kind::kInt:
      w.int_value(*value.as_int());
      return;
    case Value::Kind::kUint:
      w.uint_value(*value.as_uint());
      return;
    case Value::Kind::kDouble:
      w.double_value(*value.as_double());
      return;
    case Value::Kind::kString:
      w.string_value(*value.as_string());
      return;
    case Value::Kind::kBinary:
      w.string_value(
          base64(std::string_view(reinterpret_cast<const char*>(value.as_binary()->bytes.data()),
                                  value.as_binary()->bytes.size())));
      return;
    case Value::Kind::kArray:
      w.begin_array();
      for (const Value& item : *value.as_array()) {
        render_value(w, item);
      }
      w.end_array();
      return;
    case Value::Kind::kMap:
      w.begin_object();
      for (const auto& [key, item] : *value.as_map()) {
        w.key(key);
        render_value(w, item);
      }
      w.end_object();
      return;
  }
}

}  // namespace bc::msg::detail
