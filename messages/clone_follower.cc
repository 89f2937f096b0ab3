#include "messages/clone_follower.h"

#include <algorithm>

namespace bc::msg {

namespace {
constexpr const char* kSupervisor = "supervisor";
}

void CloneFollower::snapshot(const std::string& host, std::uint64_t seq, std::int64_t as_of) {
  floors_[host] = {seq, as_of};
  // The next event of that supervisor must follow the snapshot; one that does not was
  // missed between the answer and the bus.
  // Never backwards: a snapshot that lags behind events already heard (the collector had
  // not folded them in yet) must not make the next one look like a gap.
  if (seq > 0) {
    std::uint64_t& last = last_[{host, kSupervisor}];
    last = std::max(last, seq);
  }
}

CloneFollower::Verdict CloneFollower::admit(const std::string& host, const std::string& origin,
                                            std::uint64_t seq, std::int64_t ts) {
  Verdict verdict;
  if (origin == kSupervisor) {
    auto floor = floors_.find(host);
    // Older than the snapshot by both the publisher's count and its clock: a supervisor that
    // restarted since numbers from 1 again, but its clock has gone on.
    if (floor != floors_.end() && seq <= floor->second.seq && ts <= floor->second.as_of) {
      ++stale_;
      verdict.apply = false;
      return verdict;
    }
  }
  auto [it, first] = last_.try_emplace({host, origin}, seq);
  if (!first) {
    if (check_gaps_ && seq != it->second + 1)
      verdict.gap = SequenceGap{host, origin, it->second, seq};
    it->second = seq;
  }
  return verdict;
}

}  // namespace bc::msg
