#pragma once
// LogOutbox: a sender's log batches from the moment they are made until the sink
// acknowledges them (docs/NODE-PROTOCOL.md, "Delivery"). Each accepted batch gets the next
// sequence number (1, 2, ...). Batches are kept in memory up to `memory_bytes`; past that
// they are appended to a spill file (<spool>/.log-spill) and read back, in order, as acks
// make room in memory. Past `disk_bytes` of spill file a batch is refused: its records are
// counted as dropped, and each episode of drops is logged once, with its count, when it
// ends. Nothing here blocks for longer than a local file write. Owned by one PeerLink.

#include <cstdint>
#include <cstdio>
#include <deque>
#include <functional>
#include <string>

#include "common/status.h"

namespace bc::node {

struct OutboxBatch {
  std::uint64_t seq = 0;
  std::uint32_t records = 0;
  std::string bytes;  // the encoded message, seq included
};

class LogOutbox {
 public:
  // `spill_path` is removed first: a spill of an earlier run belongs to a sender id that
  // no longer exists (its records are counted in discarded_at_start()).
  LogOutbox(std::string spill_path, std::uint64_t memory_bytes, std::uint64_t disk_bytes);
  ~LogOutbox();
  LogOutbox(const LogOutbox&) = delete;
  LogOutbox& operator=(const LogOutbox&) = delete;

  // Numbers a batch of `records` and keeps `encode(seq)`; false when it was dropped (no
  // seq is used up then, so the sink sees no gap).
  bool push(std::uint32_t records, const std::function<std::string(std::uint64_t seq)>& encode);
  // Every batch up to `seq` is written at the sink: forget them, refill memory from disk.
  void ack(std::uint64_t seq);

  // The batch `seq` when it is in memory (the sender sends only from memory), else null.
  const OutboxBatch* find(std::uint64_t seq) const;
  // Oldest unacknowledged seq (next_seq() when nothing is pending).
  std::uint64_t first_unacked() const { return acked_ + 1; }
  std::uint64_t next_seq() const { return next_seq_; }
  bool empty() const { return next_seq_ == acked_ + 1; }

  std::uint64_t buffered_records() const { return buffered_records_; }
  std::uint64_t memory_bytes() const { return memory_used_; }
  std::uint64_t spilled_bytes() const { return spill_write_ - spill_read_; }
  std::uint64_t acked_records() const { return acked_records_; }
  std::uint64_t dropped_records() const { return dropped_; }
  std::uint64_t discarded_at_start() const { return discarded_at_start_; }

 private:
  bool spill(const OutboxBatch& batch);
  void refill();
  void end_drop_episode();

  std::string spill_path_;
  std::uint64_t memory_limit_, disk_limit_;
  std::deque<OutboxBatch> memory_;  // consecutive seqs, all below those on disk
  std::uint64_t memory_used_ = 0;
  std::FILE* spill_ = nullptr;  // opened on first use
  std::uint64_t spill_read_ = 0, spill_write_ = 0;
  std::uint64_t spilled_batches_ = 0;  // batches on disk, not yet read back
  std::uint64_t next_seq_ = 1, acked_ = 0;
  std::uint64_t buffered_records_ = 0, acked_records_ = 0, dropped_ = 0;
  std::uint64_t episode_dropped_ = 0, discarded_at_start_ = 0;
};

}  // namespace bc::node
