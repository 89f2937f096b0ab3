#include "node/process/log_outbox.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include <spdlog/spdlog.h>

namespace bc::node {
namespace {

// Spill record: u64 seq, u32 records, u32 length, then the bytes (host byte order: the
// file never leaves this process).
constexpr std::size_t kHeader = 16;

}  // namespace

LogOutbox::LogOutbox(std::string spill_path, std::uint64_t memory_bytes, std::uint64_t disk_bytes)
    : spill_path_(std::move(spill_path)), memory_limit_(memory_bytes), disk_limit_(disk_bytes) {
  struct stat st {};
  if (!spill_path_.empty() && ::stat(spill_path_.c_str(), &st) == 0) {
    discarded_at_start_ = static_cast<std::uint64_t>(st.st_size);
    if (st.st_size > 0) {
      spdlog::warn("{}: discarding {} bytes of log batches spilled by an earlier run", spill_path_,
                   st.st_size);
    }
    ::unlink(spill_path_.c_str());
  }
}

LogOutbox::~LogOutbox() {
  if (spill_ != nullptr) {
    std::fclose(spill_);
    ::unlink(spill_path_.c_str());
  }
}

bool LogOutbox::push(std::uint32_t records,
                     const std::function<std::string(std::uint64_t seq)>& encode) {
  OutboxBatch batch{next_seq_, records, encode(next_seq_)};
  const bool to_memory =
      spilled_batches_ == 0 && memory_used_ + batch.bytes.size() <= memory_limit_;
  if (!to_memory && !spill(batch)) {
    dropped_ += records;
    if (episode_dropped_ == 0) {
      spdlog::warn("log buffer full ({} bytes in memory, {} on disk): dropping records",
                   memory_used_, spilled_bytes());
    }
    episode_dropped_ += records;
    return false;
  }
  end_drop_episode();
  ++next_seq_;
  buffered_records_ += records;
  if (to_memory) {
    memory_used_ += batch.bytes.size();
    memory_.push_back(std::move(batch));
  }
  return true;
}

void LogOutbox::end_drop_episode() {
  if (episode_dropped_ == 0) return;
  spdlog::warn("log buffer full: {} records dropped", episode_dropped_);
  episode_dropped_ = 0;
}

bool LogOutbox::spill(const OutboxBatch& batch) {
  if (spill_path_.empty() || spill_write_ + kHeader + batch.bytes.size() > disk_limit_) {
    return false;
  }
  if (spill_ == nullptr) {
    spill_ = std::fopen(spill_path_.c_str(), "w+b");
    if (spill_ == nullptr) {
      spdlog::error("cannot open {}: {}", spill_path_, std::strerror(errno));
      return false;
    }
  }
  char header[kHeader];
  const auto length = static_cast<std::uint32_t>(batch.bytes.size());
  std::memcpy(header, &batch.seq, 8);
  std::memcpy(header + 8, &batch.records, 4);
  std::memcpy(header + 12, &length, 4);
  if (std::fseek(spill_, static_cast<long>(spill_write_), SEEK_SET) != 0 ||
      std::fwrite(header, 1, kHeader, spill_) != kHeader ||
      std::fwrite(batch.bytes.data(), 1, length, spill_) != length) {
    spdlog::error("cannot write {}: {}", spill_path_, std::strerror(errno));
    return false;
  }
  spill_write_ += kHeader + length;
  ++spilled_batches_;
  return true;
}

void LogOutbox::ack(std::uint64_t seq) {
  if (seq >= next_seq_) seq = next_seq_ - 1;  // never beyond what exists
  while (!memory_.empty() && memory_.front().seq <= seq) {
    memory_used_ -= memory_.front().bytes.size();
    buffered_records_ -= memory_.front().records;
    acked_records_ += memory_.front().records;
    memory_.pop_front();
  }
  if (seq > acked_) acked_ = seq;
  refill();
}

void LogOutbox::refill() {
  if (spill_ == nullptr) return;
  (void)std::fflush(spill_);
  while (spilled_batches_ > 0) {
    char header[kHeader];
    if (std::fseek(spill_, static_cast<long>(spill_read_), SEEK_SET) != 0 ||
        std::fread(header, 1, kHeader, spill_) != kHeader) {
      break;
    }
    OutboxBatch batch;
    std::uint32_t length = 0;
    std::memcpy(&batch.seq, header, 8);
    std::memcpy(&batch.records, header + 8, 4);
    std::memcpy(&length, header + 12, 4);
    if (!memory_.empty() && memory_used_ + length > memory_limit_) return;
    batch.bytes.resize(length);
    if (std::fread(batch.bytes.data(), 1, length, spill_) != length) break;
    spill_read_ += kHeader + length;
    --spilled_batches_;
    if (batch.seq <= acked_) {  // acked before it was read back
      buffered_records_ -= batch.records;
      acked_records_ += batch.records;
      continue;
    }
    memory_used_ += length;
    memory_.push_back(std::move(batch));
  }
  if (spilled_batches_ > 0) {
    // A spill file we cannot read back: its batches are lost. They were never sent, so
    // their seqs are given out again and the sink sees no gap.
    std::uint64_t in_memory = 0;
    for (const OutboxBatch& b : memory_)
      in_memory += b.records;
    const std::uint64_t lost = buffered_records_ - in_memory;
    spdlog::error("cannot read back {}: {} records lost", spill_path_, lost);
    dropped_ += lost;
    buffered_records_ = in_memory;
    next_seq_ = memory_.empty() ? acked_ + 1 : memory_.back().seq + 1;
    spilled_batches_ = 0;
  }
  // Drained: start the file over, so that it is bounded by what is pending, not by history.
  std::fclose(spill_);
  spill_ = nullptr;
  ::unlink(spill_path_.c_str());
  spill_read_ = spill_write_ = 0;
}

const OutboxBatch* LogOutbox::find(std::uint64_t seq) const {
  if (memory_.empty() || seq < memory_.front().seq) return nullptr;
  const std::uint64_t i = seq - memory_.front().seq;
  return i < memory_.size() ? &memory_[i] : nullptr;
}

}  // namespace bc::node
