#include "collector/crash_mail_ledger.h"

#include <algorithm>

namespace bc::collector {

std::int64_t CrashMailLedger::since(const std::string& host) const {
  const auto it = marks_.find(host);
  return it == marks_.end() ? floor_us_ : std::max(it->second, floor_us_);
}

bool CrashMailLedger::is_new(const std::string& host, const std::string& record_dir,
                             std::int64_t ended_at_us) const {
  return ended_at_us > since(host) && !was_mailed(host, record_dir);
}

void CrashMailLedger::mailed(const std::string& host, const std::string& record_dir,
                             std::int64_t ended_at_us) {
  mailed_[{host, record_dir}] = ended_at_us;
  while (mailed_.size() > kMaxMailed) {  // drop the oldest
    auto oldest =
        std::min_element(mailed_.begin(), mailed_.end(),
                         [](const auto& a, const auto& b) { return a.second < b.second; });
    mailed_.erase(oldest);
  }
}

void CrashMailLedger::listed(const std::string& host, std::int64_t newest_us) {
  std::int64_t& mark = marks_.try_emplace(host, floor_us_).first->second;
  mark = std::max(mark, newest_us - kMarginUs);
  prune(host);
}

void CrashMailLedger::prune(const std::string& host) {
  const std::int64_t mark = since(host);
  for (auto it = mailed_.lower_bound({host, ""}); it != mailed_.end() && it->first.first == host;) {
    it = it->second <= mark ? mailed_.erase(it) : std::next(it);
  }
}

msg::Value CrashMailLedger::to_value() const {
  msg::Value marks = msg::Value::empty_map();
  for (const auto& [host, mark] : marks_)
    marks.set(host, mark);
  msg::Value mailed = msg::Value::empty_array();
  for (const auto& [key, ended] : mailed_) {
    mailed.push_back(msg::Value::empty_map()
                         .set("host", key.first)
                         .set("record", key.second)
                         .set("ended_at", ended));
  }
  return msg::Value::empty_map()
      .set("floor", floor_us_)
      .set("marks", std::move(marks))
      .set("mailed", std::move(mailed));
}

void CrashMailLedger::load(const msg::Value& state) {
  if (auto floor = state.get_int("floor"); floor.is_ok()) floor_us_ = std::min(floor_us_, *floor);
  if (const msg::Value* marks = state.find("marks"); marks != nullptr && marks->as_map()) {
    for (const auto& [host, mark] : *marks->as_map()) {
      if (auto v = mark.as_int()) marks_[host] = *v;
    }
  }
  if (const msg::Value* mailed = state.find("mailed"); mailed != nullptr && mailed->as_array()) {
    for (const msg::Value& m : *mailed->as_array()) {
      auto host = m.get_string("host");
      auto record = m.get_string("record");
      auto ended = m.get_int("ended_at");
      if (host.is_ok() && record.is_ok() && ended.is_ok()) mailed_[{*host, *record}] = *ended;
    }
  }
}

}  // namespace bc::collector
