#pragma once
// NoticeWatcher: follows the manager's notice.log (Bro/Zeek TSV, written by the reference
// node) and hands over every new notice once — for the manual's third mail (notices whose
// actions include Notice::ACTION_EMAIL) and for the alarm summary (Notice::ACTION_ALARM).
// It remembers the file's inode and how far it has read; a file renamed away by the log
// rotation or replaced by the node is followed from the start of the new one. Call poll()
// before each rotation so that nothing written before it is missed. Only whole lines are
// read (a line still being written waits for the next poll). Thread-compatible.

#include <sys/types.h>

#include <string>
#include <vector>

#include "collector/zeek_log.h"

namespace bc::collector {

struct Notice {
  std::string ts, note, msg, src, dst, port, node;
  std::vector<std::string> actions;
  bool has_action(const std::string& action) const;
};

class NoticeWatcher {
 public:
  explicit NoticeWatcher(std::string path) : path_(std::move(path)) {}
  // Notices added since the last call. A missing file is no error: the node may not run.
  std::vector<Notice> poll();

 private:
  std::string path_;
  ino_t inode_ = 0;
  off_t offset_ = 0;
  ZeekFields fields_;
};

}  // namespace bc::collector
