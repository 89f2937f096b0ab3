#pragma once
// The sending side of an install: given a bundle and the receiver's begin reply, yields
// the chunk args for every needed file one by one (reading source files lazily, so a
// bundle of 1 GiB never sits in memory), then the commit args. Wire shapes: wire.h.
// Borrows the Bundle: it must outlive the sender. One thread at a time.

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "install/bundle_builder.h"
#include "messages/value.h"

namespace bc::install {

class BundleSender {
 public:
  // Fails when the reply is malformed, is for another version or asks for a file the
  // bundle does not have.
  static Result<BundleSender> create(const Bundle& bundle, const msg::Value& begin_reply);
  static Result<BundleSender> create(const Bundle& bundle, const std::vector<std::string>& need);

  // True once every needed byte has been yielded.
  bool done() const { return index_ >= files_.size(); }
  // The next chunk's args. An error (a source file unreadable or changed since the bundle
  // was built) names the file; the chunk may be asked for again. REQUIRES: !done().
  Result<msg::Value> next_chunk();
  msg::Value commit_args() const;

  std::uint64_t bytes_total() const { return bytes_total_; }
  std::uint64_t bytes_sent() const { return bytes_sent_; }

 private:
  explicit BundleSender(const Bundle& bundle) : bundle_(&bundle) {}
  Result<std::string> read_piece(const FileEntry& f, std::uint64_t offset) const;

  const Bundle* bundle_;
  std::vector<const FileEntry*> files_;  // needed and non-empty, in manifest order
  std::size_t index_ = 0;
  std::uint64_t offset_ = 0;
  std::uint64_t bytes_total_ = 0;
  std::uint64_t bytes_sent_ = 0;
};

}  // namespace bc::install
