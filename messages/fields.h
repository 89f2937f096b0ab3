#pragma once
// The field-list contract shared by every message struct.
//
// Each message lists its fields once, in wire order:
//
//   template <class V> void fields(V& v) {
//     env.fields(v);                                   // flattened envelope (events only)
//     v("node", node, Presence::kRequired);
//     v("reason", reason, Presence::kOptional);
//   }
//
// The same list is walked by the msgpack writer, the msgpack reader (which reports a
// missing kRequired field by name) and the JSON renderer, so the three cannot drift apart.
// An optional field that is absent on the wire leaves the member at its default; a
// std::optional member that is empty is left out of the encoding.
//
// Supported member types: bool, integers, enums (as their underlying integer), double,
// std::string, Value, std::optional<T>, std::vector<T>, std::map<std::string, T> and
// nested structs that have their own fields() (encoded as a nested map).

namespace bc::msg {

enum class Presence { kRequired, kOptional };

}  // namespace bc::msg
