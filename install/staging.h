#pragma once
// One version being installed: <root>/.staging-<version>/, filled from the current
// version (hard links of identical files) and from written bytes, then verified and
// switched to. Shared by InstallReceiver (bytes from the bus) and install_local.
// Owns the staging directory: destroying an uncommitted Staging removes it.
// Not thread-safe; one Staging per root at a time.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "install/manifest.h"
#include "install/owned_fd.h"

namespace bc::install {

class Staging {
 public:
  // Creates the root if needed and a fresh staging directory (an old one of that name,
  // whatever it holds, is removed first).
  // REQUIRES: validate_manifest(manifest) is OK.
  static Result<std::unique_ptr<Staging>> create(const std::string& root, Manifest manifest);
  ~Staging();
  Staging(const Staging&) = delete;
  Staging& operator=(const Staging&) = delete;

  const Manifest& manifest() const { return manifest_; }
  std::uint64_t reused() const { return reused_; }

  // Hard-links the files whose digest and mode match a file of the current version and
  // creates the empty files; returns the paths that still need their bytes, in order.
  Result<std::vector<std::string>> prepare();

  // Writes `data` at `offset` of `path`. REQUIRES nothing of the caller: a path not
  // needed, an offset other than the next expected one or bytes past the manifest size
  // are errors naming the path.
  Status write(std::string_view path, std::uint64_t offset, std::string_view data);

  struct Committed {
    std::optional<std::string> previous;
  };
  // Verifies every file's size and SHA-256, writes MANIFEST and VERSION, renames the
  // staging directory to <version>, switches `current` and prunes. On an error before the
  // switch `current` is untouched.
  Result<Committed> commit();

 private:
  struct Pending {
    std::uint64_t size = 0;
    std::uint32_t mode = 0644;
    std::uint64_t written = 0;
    bool created = false;
  };

  Staging(std::string root, OwnedFd root_fd, Manifest manifest);
  Status link_from_current(const std::string& current);
  Status verify_all() const;
  Status write_meta_files();

  std::string root_;
  OwnedFd root_fd_;
  Manifest manifest_;
  std::string name_;   // .staging-<version>
  std::string where_;  // root_/name_, for messages
  OwnedFd dir_;
  std::map<std::string, Pending, std::less<>> pending_;
  std::uint64_t reused_ = 0;
  bool committed_ = false;
};

}  // namespace bc::install
