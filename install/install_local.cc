#include "install/install_local.h"

#include "install/bundle_sender.h"
#include "install/fs_at.h"
#include "install/installed_root.h"
#include "install/staging.h"
#include "install/wire.h"

namespace bc::install {
namespace {

bool is_current(const std::string& root, const std::string& version) {
  Result<OwnedFd> fd = open_dir(root);
  return fd && read_current(fd->get()) == version;
}

}  // namespace

Status install_local(const Bundle& bundle, const std::string& installed_root) {
  if (Status s = validate_manifest(bundle.manifest); !s) return s;
  if (is_current(installed_root, bundle.manifest.version)) return Status::ok();
  Result<std::unique_ptr<Staging>> staging = Staging::create(installed_root, bundle.manifest);
  if (!staging) return staging.status();
  Result<std::vector<std::string>> need = (*staging)->prepare();
  if (!need) return need.status();
  // The sender's chunking reads sources lazily: the bundle never sits in memory whole.
  Result<BundleSender> sender = BundleSender::create(bundle, *need);
  if (!sender) return sender.status();
  while (!sender->done()) {
    Result<msg::Value> next = sender->next_chunk();
    if (!next) return next.status();
    Result<ChunkArgs> c = parse_chunk_args(*next);
    if (!c) return c.status();
    if (Status s = (*staging)->write(c->path, c->offset, c->data); !s) return s;
  }
  Result<Staging::Committed> done = (*staging)->commit();
  return done.status();
}

}  // namespace bc::install
