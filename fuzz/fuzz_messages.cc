// libFuzzer target: every message decoder (messages/codec.h). The first input byte picks
// the decoder, the rest is the frame body. Whatever decodes must render as JSON and
// re-encode to bytes that decode again to the same encoding; anything else must come back
// as a Status. A crash, a sanitizer report or an abort() below is a finding.

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "broker/origin.h"
#include "messages/codec.h"
#include "messages/event_head.h"

namespace {

using namespace bc::msg;
using bc::Result;

void check(bool ok) {
  if (!ok) std::abort();
}

template <class M>
void fuzz_one(std::string_view body) {
  Result<M> m = decode<M>(body);
  if (!m) {
    check(m.status().code() != bc::ErrorCode::kOk);
    return;
  }
  (void)to_json(*m);
  if constexpr (Event<M>) {
    // The broker's reading of a body agrees with every consumer's (docs/SECURITY.md,
    // origin binding): what decodes has a head naming the same type and host.
    Result<EventHead> head = peek_head(body);
    check(head.is_ok());
    check(head->type == m->env.type && head->host == m->env.host);
    if constexpr (std::is_same_v<M, Heartbeat>) check(head->role == m->role);
  }
  const std::string again = encode(*m);
  Result<M> m2 = decode<M>(again);
  check(m2.is_ok());
  check(encode(*m2) == again);
}

void fuzz_value(std::string_view body) {
  Result<Value> v = decode_value(body);
  if (!v) return;
  (void)to_json(*v);
  const std::string again = encode_value(*v);
  Result<Value> v2 = decode_value(again);
  check(v2.is_ok());
  check(encode_value(*v2) == again);
}

// The broker's origin check: a topic (up to the first NUL) and a body, against a host key
// and the daemon key. Whatever passes names the key's host.
void fuzz_origin(std::string_view input) {
  const std::size_t nul = input.find('\0');
  const std::string_view topic = input.substr(0, nul);
  const std::string_view body = nul == std::string_view::npos ? "" : input.substr(nul + 1);
  Result<EventHead> head = peek_head(body);
  if (!head) return;
  using bc::broker::Origin;
  for (const Origin& o :
       {Origin{Origin::Kind::kHost, "h2", "h2"}, Origin{Origin::Kind::kDaemon, "broker", "h1"}}) {
    if (!bc::broker::origin_violation(o, topic, *head)) check(head->host == o.host);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 13) {
    case 0:
      fuzz_one<Request>(body);
      break;
    case 1:
      fuzz_one<Reply>(body);
      break;
    case 2:
      fuzz_one<Heartbeat>(body);
      break;
    case 3:
      fuzz_one<NodeStateChange>(body);
      break;
    case 4:
      fuzz_one<NodeStats>(body);
      break;
    case 5:
      fuzz_one<HostStats>(body);
      break;
    case 6:
      fuzz_one<CrashReport>(body);
      break;
    case 7:
      fuzz_one<Alert>(body);
      break;
    case 8:
      fuzz_one<LogLine>(body);
      break;
    case 9:
      fuzz_value(body);
      break;
    case 10:
      (void)event_to_json(body);
      break;
    case 11:
      (void)peek_type(body);
      break;
    default:
      fuzz_origin(body);
      break;
  }
  return 0;
}
