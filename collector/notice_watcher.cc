#include "collector/notice_watcher.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "common/strings.h"
#include "common/unique_fd.h"

namespace bc::collector {
namespace {

constexpr std::size_t kMaxRead = 4 << 20;  // per poll; the rest comes next time

Notice to_notice(const ZeekRecord& r) {
  Notice n;
  n.ts = r.get("ts");
  n.note = r.get("note");
  n.msg = r.get("msg");
  n.src = r.get("src");
  n.dst = r.get("dst");
  n.port = r.get("p");
  n.node = r.get("peer_descr");
  n.actions = split_trimmed(r.get("actions"), ",");
  return n;
}

}  // namespace

bool Notice::has_action(const std::string& action) const {
  return std::find(actions.begin(), actions.end(), action) != actions.end();
}

std::vector<Notice> NoticeWatcher::poll() {
  std::vector<Notice> out;
  UniqueFd fd(::open(path_.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat st {};
  if (fd.get() < 0 || ::fstat(fd.get(), &st) != 0) return out;
  if (st.st_ino != inode_ || st.st_size < offset_) {
    inode_ = st.st_ino;  // a new file: rotated, or rewritten by a restarted node
    offset_ = 0;
    fields_ = ZeekFields();
  }
  if (st.st_size == offset_) return out;
  std::string data(std::min<std::size_t>(static_cast<std::size_t>(st.st_size - offset_), kMaxRead),
                   '\0');
  const ssize_t n = ::pread(fd.get(), data.data(), data.size(), offset_);
  if (n <= 0) return out;
  data.resize(static_cast<std::size_t>(n));
  const std::size_t complete = data.rfind('\n');
  if (complete == std::string::npos) return out;
  offset_ += static_cast<off_t>(complete + 1);
  std::size_t begin = 0;
  while (begin <= complete) {
    const std::size_t end = data.find('\n', begin);
    const std::string_view line(data.data() + begin, end - begin);
    begin = end + 1;
    if (line.starts_with("#")) {
      if (auto f = ZeekFields::parse(line)) fields_ = std::move(*f);
    } else if (!line.empty() && !fields_.empty()) {
      out.push_back(to_notice(ZeekRecord(fields_, line)));
    }
  }
  return out;
}

}  // namespace bc::collector
