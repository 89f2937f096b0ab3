#include "install/bundle_sender.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <set>

#include "common/os_error.h"
#include "install/owned_fd.h"
#include "install/wire.h"

namespace bc::install {

Result<BundleSender> BundleSender::create(const Bundle& bundle, const msg::Value& begin_reply) {
  Result<BeginReply> reply = parse_begin_reply(begin_reply);
  if (!reply) return reply.status();
  if (reply->version != bundle.manifest.version) {
    return Status(ErrorCode::kConflict, "begin reply is for version " + reply->version + ", not " +
                                            bundle.manifest.version);
  }
  return create(bundle, reply->need);
}

Result<BundleSender> BundleSender::create(const Bundle& bundle,
                                          const std::vector<std::string>& need) {
  const std::set<std::string, std::less<>> wanted(need.begin(), need.end());
  BundleSender sender(bundle);
  std::size_t found = 0;
  for (const FileEntry& f : bundle.manifest.files) {
    if (wanted.count(f.path) == 0) continue;
    ++found;
    if (f.size == 0) continue;  // the receiver creates empty files itself
    sender.files_.push_back(&f);
    sender.bytes_total_ += f.size;
  }
  if (found != wanted.size()) {
    for (const std::string& p : wanted) {
      const auto& files = bundle.manifest.files;
      if (std::none_of(files.begin(), files.end(), [&](const FileEntry& f) { return f.path == p; }))
        return Status::invalid_argument("receiver asks for " + quoted(p) +
                                        ", which is not in the bundle");
    }
  }
  return sender;
}

Result<std::string> BundleSender::read_piece(const FileEntry& f, std::uint64_t offset) const {
  const std::size_t len =
      static_cast<std::size_t>(std::min<std::uint64_t>(kChunkBytes, f.size - offset));
  if (const auto g = bundle_->generated.find(f.path); g != bundle_->generated.end()) {
    if (g->second.size() != f.size) {
      return Status::internal("generated " + quoted(f.path) + " does not match its manifest");
    }
    return g->second.substr(static_cast<std::size_t>(offset), len);
  }
  const auto s = bundle_->sources.find(f.path);
  if (s == bundle_->sources.end()) {
    return Status::internal("bundle has no source for " + quoted(f.path));
  }
  const std::string& source = s->second;
  OwnedFd fd(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return file_status("cannot read " + quoted(source), errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return io_status("cannot stat " + quoted(source), errno);
  if (static_cast<std::uint64_t>(st.st_size) != f.size) {
    return Status(ErrorCode::kConflict, quoted(source) + " changed since the bundle was built");
  }
  std::string out(len, '\0');
  std::size_t got = 0;
  while (got < len) {
    const ssize_t n =
        ::pread(fd.get(), out.data() + got, len - got, static_cast<off_t>(offset + got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_status("cannot read " + quoted(source), errno);
    if (n == 0) {
      return Status(ErrorCode::kConflict, quoted(source) + " changed since the bundle was built");
    }
    got += static_cast<std::size_t>(n);
  }
  return out;
}

Result<msg::Value> BundleSender::next_chunk() {
  if (done()) return Status::internal("no chunk left to send");
  const FileEntry& f = *files_[index_];
  Result<std::string> piece = read_piece(f, offset_);
  if (!piece) return piece.status();
  const std::uint64_t offset = offset_;
  offset_ += piece->size();
  bytes_sent_ += piece->size();
  if (offset_ >= f.size) {
    ++index_;
    offset_ = 0;
  }
  return chunk_args(bundle_->manifest.version, f.path, offset, *piece);
}

msg::Value BundleSender::commit_args() const {
  return install::commit_args(bundle_->manifest.version);
}

}  // namespace bc::install
