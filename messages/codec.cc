// The decode border: the only place in the message layer where msgpack may throw. Every
// exception is caught here and turned into a Status; nothing above sees one.

#include "messages/codec.h"

#include <msgpack.hpp>

#include <cstdint>
#include <limits>
#include <new>
#include <optional>

#include "messages/json_render.h"
#include "messages/limits.h"
#include "messages/wire_read.h"
#include "messages/wire_scan.h"
#include "messages/wire_write.h"

namespace bc::msg {
namespace {

using detail::MapIndex;

// Size check, structural scan, then msgpack-c's own parse under the same limits (the
// scan makes the limits redundant; they stay as a second line of defence).
Result<msgpack::object_handle> unpack_body(std::string_view bytes) {
  if (bytes.size() > kMaxFrameBytes) {
    return Status(ErrorCode::kTooLarge, "frame of " + std::to_string(bytes.size()) +
                                            " bytes exceeds limit " +
                                            std::to_string(kMaxFrameBytes));
  }
  if (Status s = detail::scan_msgpack(bytes); !s.is_ok()) return s;
  const msgpack::unpack_limit limit(kMaxArrayItems, kMaxMapEntries, kMaxStringBytes,
                                    kMaxBinaryBytes, 0, kMaxDepth);
  return msgpack::unpack(bytes.data(), bytes.size(), nullptr, nullptr, limit);
}

Result<MapIndex> index_root(const msgpack::object& root) {
  if (root.type != msgpack::type::MAP) {
    return Status::bad_message("message is not a map (got " + std::string(detail::type_name(root)) +
                               ")");
  }
  return MapIndex::build(root, "");
}

Status check_version(const MapIndex& index) {
  const msgpack::object* v = index.find("v");
  if (v == nullptr) return Status::bad_message("missing required field 'v'");
  std::int64_t version = 0;
  Status s = detail::read_signed(*v, "v", std::numeric_limits<std::int64_t>::min(),
                                 std::numeric_limits<std::int64_t>::max(), version);
  if (!s.is_ok()) return s;
  if (version != kProtocolVersion) {
    return Status(ErrorCode::kBadVersion, "protocol version " + std::to_string(version) +
                                              " not supported (this peer speaks " +
                                              std::to_string(kProtocolVersion) + ")");
  }
  return Status::ok();
}

Result<std::string> read_type(const MapIndex& index) {
  const msgpack::object* t = index.find("type");
  if (t == nullptr) return Status::bad_message("missing required field 'type'");
  std::string type;
  if (Status s = detail::read_scalar(*t, "type", type); !s.is_ok()) return s;
  return type;
}

Status check_type(const MapIndex& index, std::string_view expected) {
  Result<std::string> type = read_type(index);
  if (!type) return type.status();
  if (*type != expected) {
    return Status::bad_message("type '" + *type + "' where '" + std::string(expected) +
                               "' was expected");
  }
  return Status::ok();
}

template <class M>
Result<M> decode_unguarded(std::string_view bytes) {
  Result<msgpack::object_handle> handle = unpack_body(bytes);
  if (!handle) return handle.status();
  Result<MapIndex> index = index_root(handle->get());
  if (!index) return index.status();
  if (Status s = check_version(*index); !s.is_ok()) return s;
  if constexpr (Event<M>) {
    if (Status s = check_type(*index, M::kType); !s.is_ok()) return s;
  }
  M m;
  detail::FieldReader reader(*index, "");
  m.fields(reader);
  if (!reader.status().is_ok()) return reader.status();
  if (Status s = m.validate(); !s.is_ok()) return s;
  return m;
}

// Runs fn, converting anything thrown into a Status. std::bad_alloc is reported as
// kTooLarge: the scan bounds allocations, so running out means the input was huge.
template <class T, class Fn>
Result<T> guarded(Fn&& fn) {
  try {
    return fn();
  } catch (const std::bad_alloc&) {
    return Status(ErrorCode::kTooLarge, "out of memory while decoding");
  } catch (const std::exception& e) {
    return Status::bad_message(std::string("malformed msgpack: ") + e.what());
  } catch (...) {
    return Status::bad_message("malformed msgpack");
  }
}

template <class M>
Result<std::string> decode_to_json(std::string_view bytes) {
  Result<M> m = decode<M>(bytes);
  if (!m) return m.status();
  return to_json(*m);
}

}  // namespace

template <WireMessage M>
std::string encode(const M& m) {
  msgpack::sbuffer buffer;
  detail::Packer pk(buffer);
  detail::write_struct(pk, m);
  return std::string(buffer.data(), buffer.size());
}

template <WireMessage M>
Result<M> decode(std::string_view bytes) {
  return guarded<M>([&] { return decode_unguarded<M>(bytes); });
}

template <WireMessage M>
std::string to_json(const M& m) {
  JsonWriter w;
  detail::render_struct(w, m);
  return w.take();
}

Result<std::string> peek_type(std::string_view bytes) {
  return guarded<std::string>([&]() -> Result<std::string> {
    Result<msgpack::object_handle> handle = unpack_body(bytes);
    if (!handle) return handle.status();
    Result<MapIndex> index = index_root(handle->get());
    if (!index) return index.status();
    return read_type(*index);
  });
}

Result<std::string> event_to_json(std::string_view bytes) {
  Result<std::string> type = peek_type(bytes);
  if (!type) return type.status();
  if (*type == Heartbeat::kType) return decode_to_json<Heartbeat>(bytes);
  if (*type == NodeStateChange::kType) return decode_to_json<NodeStateChange>(bytes);
  if (*type == NodeStats::kType) return decode_to_json<NodeStats>(bytes);
  if (*type == HostStats::kType) return decode_to_json<HostStats>(bytes);
  if (*type == CrashReport::kType) return decode_to_json<CrashReport>(bytes);
  if (*type == Alert::kType) return decode_to_json<Alert>(bytes);
  if (*type == LogLine::kType) return decode_to_json<LogLine>(bytes);
  return Status::bad_message("unknown event type '" + *type + "'");
}

std::string encode_value(const Value& value) {
  msgpack::sbuffer buffer;
  detail::Packer pk(buffer);
  detail::write_value(pk, value);
  return std::string(buffer.data(), buffer.size());
}

Result<Value> decode_value(std::string_view bytes) {
  return guarded<Value>([&]() -> Result<Value> {
    Result<msgpack::object_handle> handle = unpack_body(bytes);
    if (!handle) return handle.status();
    Value value;
    if (Status s = detail::read_scalar(handle->get(), "value", value); !s.is_ok()) return s;
    return value;
  });
}

std::string to_json(const Value& value) {
  JsonWriter w;
  detail::render_value(w, value);
  return w.take();
}

// The closed set of instantiations promised by WireMessage in codec.h.
template std::string encode(const Heartbeat&);
template std::string encode(const NodeStateChange&);
template std::string encode(const NodeStats&);
template std::string encode(const HostStats&);
template std::string encode(const CrashReport&);
template std::string encode(const Alert&);
template std::string encode(const LogLine&);
template std::string encode(const Request&);
template std::string encode(const Reply&);

template Result<Heartbeat> decode(std::string_view);
template Result<NodeStateChange> decode(std::string_view);
template Result<NodeStats> decode(std::string_view);
template Result<HostStats> decode(std::string_view);
template Result<CrashReport> decode(std::string_view);
template Result<Alert> decode(std::string_view);
template Result<LogLine> decode(std::string_view);
template Result<Request> decode(std::string_view);
template Result<Reply> decode(std::string_view);

template std::string to_json(const Heartbeat&);
template std::string to_json(const NodeStateChange&);
template std::string to_json(const NodeStats&);
template std::string to_json(const HostStats&);
template std::string to_json(const CrashReport&);
template std::string to_json(const Alert&);
template std::string to_json(const LogLine&);
template std::string to_json(const Request&);
template std::string to_json(const Reply&);

}  // namespace bc::msg
