#include "security/replay_guard.h"

#include <sodium.h>

#include <cstdlib>

namespace bc::security {

Status ReplayGuard::check(const std::string& key, const std::optional<std::string>& nonce,
                          std::int64_t ts_us, std::int64_t now_us) {
  const std::int64_t window_us = std::chrono::microseconds(window_).count();
  if (!nonce || nonce->empty() || nonce->size() > 64) {
    return Status(ErrorCode::kPermissionDenied, "request without a valid nonce refused");
  }
  if (std::llabs(now_us - ts_us) > window_us) {
    return Status(ErrorCode::kPermissionDenied,
                  "request timestamp is " + std::to_string((now_us - ts_us) / 1000000) +
                      " s away from this host's clock (window " + std::to_string(window_.count()) +
                      " s): a replayed request, or clocks out of step");
  }
  expire(now_us);
  auto entry = std::make_pair(key, *nonce);
  if (!seen_.insert(entry).second) {
    return Status(ErrorCode::kPermissionDenied, "replayed request refused (nonce seen before)");
  }
  by_ts_.emplace(ts_us, std::move(entry));
  return Status::ok();
}

void ReplayGuard::expire(std::int64_t now_us) {
  const std::int64_t horizon = now_us - std::chrono::microseconds(window_).count();
  while (!by_ts_.empty() && by_ts_.begin()->first < horizon) {
    seen_.erase(by_ts_.begin()->second);
    by_ts_.erase(by_ts_.begin());
  }
}

std::string make_nonce() {
  unsigned char raw[16];
  randombytes_buf(raw, sizeof raw);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

}  // namespace bc::security
