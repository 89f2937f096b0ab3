#pragma once
// CrashMailLedger: which crash records the collector has mailed, so that every crash is
// mailed exactly once whether its live `crash` event reached the collector or not. A crash
// while the collector is down, or lost in a broker restart, is found later by asking the
// supervisor for its records (`crashes since`); one reported both ways is mailed once.
// Pure logic, no I/O; the collector persists to_value() in its state file so that a
// collector killed and restarted neither loses nor repeats a mail. Thread-compatible.
//
// Per host the ledger keeps a mark: every record of the host that ended at or before it
// has been dealt with, and the next question starts there. Records can reach disk out of
// the order of their end times (a thread writes them; wall clocks step), so the mark
// trails the newest record listed by kMarginUs, and records inside that margin are told
// apart by the set of records mailed. Records that ended before the collector first ran
// on this spool (the floor) are history: `diag` shows them, nobody mails them.

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "messages/value.h"

namespace bc::collector {

class CrashMailLedger {
 public:
  static constexpr std::int64_t kMarginUs = 60'000'000;
  // Bound on the mailed set, against a host that crash-loops and is never listed.
  static constexpr std::size_t kMaxMailed = 10'000;

  // `now_us` becomes the floor unless load() brings an older one.
  explicit CrashMailLedger(std::int64_t now_us) : floor_us_(now_us) {}

  // Records of `host` that ended after this are the ones to ask for.
  std::int64_t since(const std::string& host) const;
  // For a listed record: false when it was mailed already, or ended at or before since().
  bool is_new(const std::string& host, const std::string& record_dir,
              std::int64_t ended_at_us) const;
  // For a live report, which is news whatever its time says (another host's clock may be
  // behind ours): whether it was mailed already.
  bool was_mailed(const std::string& host, const std::string& record_dir) const {
    return mailed_.count({host, record_dir}) != 0;
  }
  void mailed(const std::string& host, const std::string& record_dir, std::int64_t ended_at_us);
  // `host` listed its records up to `newest_us`: the mark moves up behind it.
  void listed(const std::string& host, std::int64_t newest_us);

  msg::Value to_value() const;
  // Takes what `state` holds (from to_value()); ignores what it does not recognise.
  void load(const msg::Value& state);

 private:
  void prune(const std::string& host);

  std::int64_t floor_us_;
  std::map<std::string, std::int64_t> marks_;                           // host -> mark
  std::map<std::pair<std::string, std::string>, std::int64_t> mailed_;  // (host, dir) -> end
};

}  // namespace bc::collector
