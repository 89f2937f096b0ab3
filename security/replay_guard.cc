#include "security/replay_guard.h"

#include <sodium.h>

#include <algorithm>
#include <cstdlib>

#include "messages/limits.h"

namespace bc::security {

Status ReplayGuard::check(const std::string& key, const std::optional<std::string>& nonce,
                          std::int64_t ts_us, std::int64_t now_us) {
  const std::int64_t window_us = std::chrono::microseconds(window_).count();
  if (!nonce || nonce->empty() || nonce->size() > msg::kMaxNonceBytes) {
    return Status(ErrorCode::kPermissionDenied, "request without a valid nonce refused");
  }
  if (std::llabs(now_us - ts_us) > window_us) {
    return Status(ErrorCode::kPermissionDenied,
                  "request timestamp is " + std::to_string((now_us - ts_us) / 1000000) +
                      " s away from this host's clock (window " + std::to_string(window_.count()) +
                      " s): a replayed request, or clocks out of step");
  }
  expire(now_us);
  auto it = seen_.try_emplace(key).first;
  if (!it->second.nonces.insert(*nonce).second) {
    return Status(ErrorCode::kPermissionDenied, "replayed request refused (nonce seen before)");
  }
  it->second.order.emplace_back(ts_us, *nonce);
  ++total_;
  if (it->second.order.size() > limits_.per_key) forget_oldest(it);
  while (total_ > limits_.total) {
    forget_oldest(std::max_element(seen_.begin(), seen_.end(), [](const auto& a, const auto& b) {
      return a.second.order.size() < b.second.order.size();
    }));
  }
  return Status::ok();
}

std::size_t ReplayGuard::remembered(const std::string& key) const {
  auto it = seen_.find(key);
  return it == seen_.end() ? 0 : it->second.order.size();
}

void ReplayGuard::forget_oldest(std::map<std::string, Seen>::iterator it) {
  Seen& seen = it->second;
  seen.nonces.erase(seen.order.front().second);
  seen.order.pop_front();
  --total_;
  ++shed_;
}

void ReplayGuard::expire(std::int64_t now_us) {
  // Arrival order approximates timestamp order; an entry kept a little longer behind a
  // newer one costs only memory that the bounds already cap.
  const std::int64_t horizon = now_us - std::chrono::microseconds(window_).count();
  for (auto it = seen_.begin(); it != seen_.end();) {
    Seen& seen = it->second;
    while (!seen.order.empty() && seen.order.front().first < horizon) {
      seen.nonces.erase(seen.order.front().second);
      seen.order.pop_front();
      --total_;
    }
    it = seen.order.empty() ? seen_.erase(it) : std::next(it);
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
