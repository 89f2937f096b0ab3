#pragma once
// A tap's side of the Clone pattern (docs/PROTOCOL.md §6): which bus events a snapshot
// of the supervisors already reflects, and gaps in each publisher's numbering. Pure
// bookkeeping, no sockets; shell (tap) and brocluster-web feed it.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace bc::msg {

struct SequenceGap {
  std::string host;
  std::string origin;       // which daemon of the host (msg::origin_of)
  std::uint64_t after = 0;  // the last seq seen (or the snapshot's)
  std::uint64_t got = 0;    // 1 after `after` > 0: the publisher restarted
};

class CloneFollower {
 public:
  // `check_gaps` only when subscribed to every topic: a publisher numbers all of its
  // topics together, so a filtered subscriber sees the skipped topics as gaps.
  explicit CloneFollower(bool check_gaps) : check_gaps_(check_gaps) {}

  // The supervisor of `host` answered `status` reflecting its events up to `seq`; `as_of`
  // is its clock when it answered, on the scale of its events' `ts`.
  void snapshot(const std::string& host, std::uint64_t seq, std::int64_t as_of);

  struct Verdict {
    bool apply = true;               // false: the snapshot already reflects it
    std::optional<SequenceGap> gap;  // events were missed before this one
  };
  Verdict admit(const std::string& host, const std::string& origin, std::uint64_t seq,
                std::int64_t ts);

  std::uint64_t stale() const { return stale_; }

 private:
  struct Floor {
    std::uint64_t seq = 0;
    std::int64_t as_of = 0;
  };
  bool check_gaps_;
  std::map<std::string, Floor> floors_;  // host -> its supervisor's snapshot
  std::map<std::pair<std::string, std::string>, std::uint64_t> last_;
  std::uint64_t stale_ = 0;
};

}  // namespace bc::msg
