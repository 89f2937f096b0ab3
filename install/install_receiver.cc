#include "install/install_receiver.h"

#include "common/os_error.h"
#include "install/fs_at.h"
#include "install/installed_root.h"
#include "install/manifest.h"
#include "install/staging.h"
#include "install/wire.h"

namespace bc::install {

InstallReceiver::InstallReceiver(std::string installed_root) : root_(std::move(installed_root)) {}
InstallReceiver::~InstallReceiver() = default;

std::optional<std::string> InstallReceiver::current_version() const {
  Result<OwnedFd> fd = open_dir(root_);
  if (!fd) return std::nullopt;
  return read_current(fd->get());
}

std::optional<std::string> InstallReceiver::pending_version() const {
  if (!staging_) return std::nullopt;
  return staging_->manifest().version;
}

Result<msg::Value> InstallReceiver::begin(const msg::Value& args) {
  staging_.reset();  // whatever was in progress is superseded
  Result<Manifest> manifest = parse_begin_args(args);
  if (!manifest) return manifest.status();
  if (Status s = validate_manifest(*manifest); !s) return s;
  BeginReply reply{manifest->version, {}, false};
  if (current_version() == manifest->version) {
    reply.already_installed = true;
    return begin_reply(reply, 0);
  }
  Result<std::unique_ptr<Staging>> staging = Staging::create(root_, std::move(manifest).value());
  if (!staging) return staging.status();
  Result<std::vector<std::string>> need = (*staging)->prepare();
  if (!need) return need.status();
  staging_ = std::move(staging).value();
  reply.need = std::move(need).value();
  return begin_reply(reply, staging_->reused());
}

Status InstallReceiver::check_pending(const std::string& version) const {
  if (staging_ && staging_->manifest().version == version) return Status::ok();
  return Status(ErrorCode::kConflict,
                "no install of version " + quoted(version.substr(0, 80)) + " in progress");
}

Result<msg::Value> InstallReceiver::chunk(const msg::Value& args) {
  Result<ChunkArgs> c = parse_chunk_args(args);
  if (!c) return c.status();
  if (Status s = check_pending(c->version); !s) return s;
  if (c->data.size() > kChunkBytes) {
    return Status(ErrorCode::kTooLarge, "chunk of " + quoted(c->path) + " has " +
                                            std::to_string(c->data.size()) + " bytes, more than " +
                                            std::to_string(kChunkBytes));
  }
  if (Status s = staging_->write(c->path, c->offset, c->data); !s) return s;
  return chunk_reply(c->version, c->path, c->offset + c->data.size());
}

Result<msg::Value> InstallReceiver::commit(const msg::Value& args) {
  Result<std::string> version = parse_commit_args(args);
  if (!version) return version.status();
  // A commit repeated after its reply was lost, or after begin said already_installed.
  if (!staging_ && current_version() == *version) return commit_reply(*version, *version, true);
  if (Status s = check_pending(*version); !s) return s;
  Result<Staging::Committed> done = staging_->commit();
  staging_.reset();
  if (!done) return done.status();
  return commit_reply(*version, done->previous, false);
}

}  // namespace bc::install
