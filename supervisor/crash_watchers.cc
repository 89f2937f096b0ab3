#include "supervisor/crash_watchers.h"

#include <algorithm>

#include "messages/codec.h"

namespace bc::sup {

void CrashWatchers::add(std::uint64_t request_id, Responder respond, TimePoint deadline,
                        std::optional<std::int64_t> after) {
  if (after) {
    const msg::NodeStateChange* missed = nullptr;
    for (const auto& [node, crash] : unsettled_) {
      if (crash.env.ts > *after && (missed == nullptr || crash.env.ts < missed->env.ts))
        missed = &crash;
    }
    if (missed != nullptr) return answer({request_id, std::move(respond), deadline}, missed);
  }
  watches_.push_back({request_id, std::move(respond), deadline});
  while (watches_.size() > kMaxWatchers) {
    answer(watches_.front(), nullptr);
    watches_.pop_front();
  }
}

void CrashWatchers::notify(const msg::NodeStateChange& crash) {
  unsettled_[crash.node] = crash;
  for (const Watch& w : watches_)
    answer(w, &crash);
  watches_.clear();
}

void CrashWatchers::expire(TimePoint now) {
  while (!watches_.empty()) {
    auto due = std::find_if(watches_.begin(), watches_.end(),
                            [now](const Watch& w) { return w.deadline <= now; });
    if (due == watches_.end()) return;
    Watch w = std::move(*due);
    watches_.erase(due);
    answer(w, nullptr);
  }
}

void CrashWatchers::answer(const Watch& w, const msg::NodeStateChange* crash) {
  msg::Value v = msg::Value::empty_map();
  if (crash != nullptr) {
    const std::string bytes = msg::encode(*crash);
    v.set("event", msg::Value(msg::Binary{{bytes.begin(), bytes.end()}}));
  } else {
    v.set("event", msg::Value());
  }
  w.respond(msg::make_ok(w.id, std::move(v)));
}

}  // namespace bc::sup
