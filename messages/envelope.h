#pragma once
// Envelope: the fields every event body starts with. It is not a nested map on the wire:
// each event struct holds it as member `env` and calls env.fields() first, so v, type,
// host, seq and ts sit in the event's own top-level map.
//
// seq is a per-publisher counter (starting at 1, +1 per published event, across all
// topics of that publisher) so that a subscriber can spot a gap and ask for a snapshot.

#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "messages/fields.h"
#include "messages/limits.h"

namespace bc::msg {

struct Envelope {
  int v = kProtocolVersion;
  std::string type;  // the event struct's kType
  std::string host;  // publishing host, as named in node.cfg
  std::uint64_t seq = 0;
  std::int64_t ts = 0;  // microseconds since the Unix epoch, publisher's clock

  static Envelope of(std::string_view type) {
    Envelope e;
    e.type = std::string(type);
    return e;
  }

  template <class V>
  void fields(V& visit) {
    visit("v", v, Presence::kRequired);
    visit("type", type, Presence::kRequired);
    visit("host", host, Presence::kRequired);
    visit("seq", seq, Presence::kRequired);
    visit("ts", ts, Presence::kRequired);
  }
  // Version and type are checked by the decoder before the fields; this checks the rest.
  Status validate() const;
  bool operator==(const Envelope&) const = default;
};

// An event is a message struct with a type tag and an Envelope member named env.
template <class M>
concept Event = requires {
  { M::kType } -> std::convertible_to<std::string_view>;
}
&&std::same_as<decltype(M::env), Envelope>;

// Fills the envelope of an event before it is published.
template <Event M>
void stamp(M& event, std::string host, std::uint64_t seq, std::int64_t ts_us) {
  event.env = Envelope::of(M::kType);
  event.env.host = std::move(host);
  event.env.seq = seq;
  event.env.ts = ts_us;
}

}  // namespace bc::msg
