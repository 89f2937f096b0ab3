#pragma once
// DeliveryLedger: the sink's memory of which log batches it has written, so that a batch
// resent after a reconnect is written once (docs/NODE-PROTOCOL.md, "Delivery"). Per
// sender id, the highest seq written; kept in <spool>/.log-ledger and replaced atomically
// (write + rename) after each round of writes.
//
// A round: accept() each batch (the verdict), begin() before writing the accepted ones —
// it records the size and inode of every log file in the ledger — then write and flush
// the logs, then commit(). A sink that dies inside a round finds the begin() record at
// the next open() and cuts its log files back to those sizes: the round's records are
// gone, none of it was acked, the senders resend it. So an acked batch is in the logs
// once, and an unacked one zero times until it is resent. Owned by the event loop.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"

namespace bc::node {

enum class Delivery { kWrite, kDuplicate, kGap };

class DeliveryLedger {
 public:
  // Ids kept; past that the least recently written are forgotten (restarted senders leave
  // their old ids behind).
  static constexpr std::size_t kMaxSenders = 1024;

  // Loads <dir>/.log-ledger, undoing an unfinished round in <dir>'s logs.
  static Result<DeliveryLedger> open(const std::string& dir);

  // Whether to write batch `seq` of `sender`, whose oldest unacknowledged batch is `base`:
  // the next expected seq is max(highest + 1, base); below it a duplicate, above it a gap
  // (an earlier batch is missing; the sender resends from there).
  Delivery accept(const std::string& sender, std::uint64_t seq, std::uint64_t base);
  bool pending() const { return !pending_.empty(); }
  Status begin();
  Status commit();
  // Forgets the accepted batches of a round that was not written.
  void abort() { pending_.clear(); }
  // After begin(): the round's writes failed; cuts the logs back to their sizes at
  // begin() and forgets the round, so its batches are written when they come again.
  Status rollback();

  // Highest seq written of `sender` (pending ones included), 0 if unknown.
  std::uint64_t highest(const std::string& sender) const;
  std::size_t senders() const { return highest_.size(); }

 private:
  explicit DeliveryLedger(std::string dir) : dir_(std::move(dir)) {}
  Status recover(const std::string& text);
  Status save(bool with_round) const;

  struct Entry {
    std::uint64_t seq = 0;
    std::uint64_t round = 0;  // when it last moved (for forgetting)
  };
  std::string dir_;
  std::map<std::string, Entry> highest_;
  std::map<std::string, std::uint64_t> pending_;
  struct FileMark {
    std::string name;
    std::uint64_t ino = 0, size = 0;  // ino 0: did not exist
  };
  std::vector<FileMark> round_files_;  // as recorded by begin()
  std::uint64_t round_ = 0;
};

}  // namespace bc::node
