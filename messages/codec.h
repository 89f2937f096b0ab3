#pragma once
// The codec: msgpack encoding, checked decoding and JSON rendering of every message.
//
//   std::string body = encode(hb);                  // msgpack map, see docs/MESSAGES.md
//   Result<Heartbeat> hb2 = decode<Heartbeat>(body);
//   std::string line = to_json(hb);                 // {"v":1,"type":"heartbeat",...}
//
// decode() is the exception border of the message layer: it never throws and never
// trusts its input. In order it checks the frame size (kTooLarge, before parsing), the
// msgpack structure against limits.h (kTooLarge / kBadMessage), that the body is a map
// with string keys, the version `v` (kBadVersion), for events the `type` tag, every
// field's presence, type and integer range (kBadMessage naming the field), and finally
// M::validate(). Unknown keys are ignored, so newer peers may add fields.
//
// encode() does not enforce the limits: a sender that builds a deeper or larger message
// than limits.h allows produces a body that every receiver rejects.

#include <concepts>
#include <string>
#include <string_view>

#include "common/status.h"
#include "messages/alert.h"
#include "messages/crash.h"
#include "messages/envelope.h"
#include "messages/heartbeat.h"
#include "messages/node_events.h"
#include "messages/request.h"
#include "messages/value.h"

namespace bc::msg {

// The closed set of messages this library encodes; the templates below are instantiated
// for exactly these in codec.cc.
template <class M>
concept WireMessage =
    std::same_as<M, Heartbeat> || std::same_as<M, NodeStateChange> || std::same_as<M, NodeStats> ||
    std::same_as<M, HostStats> || std::same_as<M, CrashReport> || std::same_as<M, Alert> ||
    std::same_as<M, LogLine> || std::same_as<M, Request> || std::same_as<M, Reply>;

template <WireMessage M>
std::string encode(const M& m);

template <WireMessage M>
Result<M> decode(std::string_view bytes);

// Compact one-line JSON with the wire's field names and order; absent optionals are
// left out, binary values become base64 strings, non-finite doubles become null.
template <WireMessage M>
std::string to_json(const M& m);

// The `type` of an event body, for dispatch before decode<M>(). Checks only what it needs
// (size, structure, a map with a string `type`); decode<M>() checks the rest.
Result<std::string> peek_type(std::string_view bytes);

// Decodes an event body of any known type and renders it as JSON (for `tap --json`).
// kBadMessage for an unknown type.
Result<std::string> event_to_json(std::string_view bytes);

std::string encode_value(const Value& value);
// The same checks as decode() minus version and fields: size, structure, depth.
Result<Value> decode_value(std::string_view bytes);
std::string to_json(const Value& value);

}  // namespace bc::msg
