#include "common/scratch_dir.h"

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/file_util.h"
#include "common/os_error.h"

namespace bc {

Result<ScratchDir> ScratchDir::make(const std::string& parent, const std::string& prefix) {
  if (Status s = ensure_dir(parent, 0700); !s.is_ok()) return s;
  std::string pattern = parent + "/" + prefix + "XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    return Status::io_error("cannot make a temporary directory in " + quoted(parent) + ": " +
                            std::strerror(errno));
  }
  return ScratchDir(pattern);
}

ScratchDir::ScratchDir(ScratchDir&& other) noexcept : path_(std::move(other.path_)) {
  other.path_.clear();
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  if (!path_.empty()) std::filesystem::remove_all(path_, ec);
}

}  // namespace bc
