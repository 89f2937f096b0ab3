#pragma once
// The receiving side of an install (the supervisor's install_begin/chunk/commit
// commands): validates a bundle's manifest, stages its files under
// <installed_root>/.staging-<version>/, verifies them and switches `current`. No sockets:
// the caller passes request args and sends back the replies (wire shapes: wire.h; layout:
// bundle_path.h). One install in progress at a time; a begin (of any version) discards the
// staging of the previous one. Owned by the supervisor; single-threaded.

#include <memory>
#include <optional>
#include <string>

#include "common/status.h"
#include "messages/value.h"

namespace bc::install {

class Staging;

class InstallReceiver {
 public:
  explicit InstallReceiver(std::string installed_root);
  ~InstallReceiver();
  InstallReceiver(const InstallReceiver&) = delete;
  InstallReceiver& operator=(const InstallReceiver&) = delete;

  // {version, files} -> {version, need, reused, already_installed}. Files identical to
  // one of the current version are hard-linked from there and not needed.
  Result<msg::Value> begin(const msg::Value& args);
  // {version, path, offset, data} -> {version, path, received}. A rejected chunk leaves
  // the install in progress (the sender may resend the right one).
  Result<msg::Value> chunk(const msg::Value& args);
  // {version} -> {version, previous, already_installed}. Any failure abandons the
  // install and leaves `current` untouched; the message names the file at fault.
  Result<msg::Value> commit(const msg::Value& args);

  std::optional<std::string> current_version() const;
  // The version whose install is in progress, if any.
  std::optional<std::string> pending_version() const;

 private:
  Status check_pending(const std::string& version) const;

  std::string root_;
  std::unique_ptr<Staging> staging_;
};

}  // namespace bc::install
