#include "node/process/delivery_ledger.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>
#include <vector>

#include <spdlog/spdlog.h>

#include "common/file_util.h"
#include "node/engine/log_record.h"

namespace bc::node {
namespace {

constexpr const char* kName = "/.log-ledger";
constexpr const char* kMagic = "brocluster-log-ledger 1";

// The sink's log files, by file name in its spool dir.
std::vector<std::string> log_files() {
  std::vector<std::string> out;
  for (const std::string& s : log_streams())
    out.push_back(log_schema(s)->path + ".log");
  return out;
}

// A round's undo: the file back to `size` when it is still the same file; a file that did
// not exist (ino 0) removed. A file renamed away in between (rotation) is left alone.
void cut_back(const std::string& path, std::uint64_t ino, std::uint64_t size) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return;
  if (ino == 0) {
    spdlog::warn("{}: removed, written by an unfinished round", path);
    ::unlink(path.c_str());
  } else if (st.st_ino == ino && static_cast<std::uint64_t>(st.st_size) > size) {
    spdlog::warn("{}: cut back from {} to {} bytes (an unfinished round)", path, st.st_size, size);
    if (::truncate(path.c_str(), static_cast<off_t>(size)) != 0) {
      spdlog::error("cannot truncate {}: {}", path, std::strerror(errno));
    }
  }
}

}  // namespace

Result<DeliveryLedger> DeliveryLedger::open(const std::string& dir) {
  DeliveryLedger ledger(dir);
  Result<std::string> text = read_file(dir + kName, 16 << 20);
  if (!text) {
    if (text.status().code() == ErrorCode::kNotFound) return ledger;
    return text.status();
  }
  if (Status s = ledger.recover(*text); !s) return s;
  return ledger;
}

Status DeliveryLedger::recover(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line) || line != kMagic) {
    return Status::bad_message(dir_ + kName +
                               ": not a log ledger (removing the file starts an empty ledger)");
  }
  bool unfinished = false;
  for (int number = 2; std::getline(in, line); ++number) {
    std::istringstream words(line);
    std::string kind, name;
    std::uint64_t a = 0, b = 0;
    words >> kind;
    if (kind == "round" && (words >> a)) {
      round_ = a;
    } else if (kind == "sender" && (words >> name >> a >> b)) {
      highest_[name] = Entry{a, b};
    } else if (kind == "file" && (words >> name >> a >> b) && name.find('/') == std::string::npos) {
      unfinished = true;
      cut_back(dir_ + "/" + name, a, b);
    } else {
      return Status::bad_message(dir_ + kName + " line " + std::to_string(number) +
                                 ": cannot read '" + line.substr(0, 80) +
                                 "' (removing the file starts an empty ledger; batches "
                                 "resent then may be written twice)");
    }
  }
  return unfinished ? save(false) : Status::ok();
}

Delivery DeliveryLedger::accept(const std::string& sender, std::uint64_t seq, std::uint64_t base) {
  const std::uint64_t expected = std::max(highest(sender) + 1, base);
  if (seq < expected) return Delivery::kDuplicate;
  if (seq > expected) return Delivery::kGap;
  pending_[sender] = seq;
  return Delivery::kWrite;
}

std::uint64_t DeliveryLedger::highest(const std::string& sender) const {
  if (auto p = pending_.find(sender); p != pending_.end()) return p->second;
  auto it = highest_.find(sender);
  return it == highest_.end() ? 0 : it->second.seq;
}

Status DeliveryLedger::begin() {
  round_files_.clear();
  for (const std::string& name : log_files()) {
    struct stat st {};
    const bool exists = ::stat((dir_ + "/" + name).c_str(), &st) == 0;
    round_files_.push_back(FileMark{name, exists ? static_cast<std::uint64_t>(st.st_ino) : 0,
                                    exists ? static_cast<std::uint64_t>(st.st_size) : 0});
  }
  return save(true);
}

Status DeliveryLedger::rollback() {
  for (const FileMark& f : round_files_)
    cut_back(dir_ + "/" + f.name, f.ino, f.size);
  round_files_.clear();
  pending_.clear();
  return save(false);
}

Status DeliveryLedger::commit() {
  ++round_;
  for (const auto& [sender, seq] : pending_)
    highest_[sender] = Entry{seq, round_};
  pending_.clear();
  if (highest_.size() > kMaxSenders) {
    std::vector<std::pair<std::uint64_t, std::string>> by_age;
    for (const auto& [sender, e] : highest_)
      by_age.emplace_back(e.round, sender);
    std::sort(by_age.begin(), by_age.end());
    for (std::size_t i = 0; i + kMaxSenders < by_age.size(); ++i)
      highest_.erase(by_age[i].second);
  }
  round_files_.clear();
  return save(false);
}

Status DeliveryLedger::save(bool with_round) const {
  std::ostringstream out;
  out << kMagic << "\nround " << round_ << "\n";
  for (const auto& [sender, e] : highest_)
    out << "sender " << sender << " " << e.seq << " " << e.round << "\n";
  if (with_round) {
    for (const FileMark& f : round_files_)
      out << "file " << f.name << " " << f.ino << " " << f.size << "\n";
  }
  // kNoSync: rewritten every round; a process crash keeps it, a machine crash may not
  // (nor the unsynced logs it describes).
  return write_file_atomic(dir_ + kName, out.str(), 0644, Durability::kNoSync);
}

}  // namespace bc::node
