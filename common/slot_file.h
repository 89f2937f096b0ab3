#pragma once
// A small record that is rewritten often and must survive its writer dying at any
// instant, kept in two slot files (<path>.a and <path>.b) that are written in turn, each
// overwritten in place and carrying a sequence number and a checksum. A reader takes the
// valid slot with the higher sequence, so a torn write (a power loss mid-write) costs at
// most the newest update, never the record.
//
// Why not write-a-temporary-and-rename: on ext4 a rename over an existing file makes the
// kernel start writeback of the new file's data (auto_da_alloc), which took 0.1-5 ms on
// our machines and sat on the crash-repair path of the supervisor; an in-place overwrite
// of the same blocks takes about 10 us. No fsync, for the same reason (see state_store.h).

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace bc {

class SlotFile {
 public:
  explicit SlotFile(std::string path, mode_t mode = 0644);

  // The newest intact record. kNotFound when neither slot exists; kBadMessage naming both
  // files when slots exist but none is intact. Also sets where the next write goes.
  Result<std::string> load();

  // Writes `payload` into the slot not holding the newest record. On failure the other
  // slot still holds the previous record and the message names the file.
  Status store(std::string_view payload);

  std::string slot_path(int slot) const;

 private:
  std::string path_;
  mode_t mode_;
  std::uint64_t seq_ = 0;  // sequence of the newest record written or loaded
};

// Frames and unframes one slot's content (exposed for tests).
std::string encode_slot(std::uint64_t seq, std::string_view payload);
// false when `bytes` is not an intact slot.
bool decode_slot(std::string_view bytes, std::uint64_t* seq, std::string* payload);

}  // namespace bc
