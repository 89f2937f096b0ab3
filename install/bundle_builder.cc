#include "install/bundle_builder.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <memory>

#include "common/os_error.h"
#include "install/bundle_path.h"
#include "install/owned_fd.h"
#include "install/sha256.h"

namespace bc::install {
namespace {

// The public key lists travel with the configuration, so that an install distributes a
// new or revoked key; the secret keys (keys/secret/) never do.
constexpr std::array<const char*, 7> kEtcFiles = {"cluster.cfg",  "node.cfg",   "networks.cfg",
                                                  "analysis.dat", "keys/admin", "keys/supervisor",
                                                  "keys/monitor"};

class Builder {
 public:
  Status add_file(const std::string& bundle_path, const std::string& source, bool follow);
  Status add_generated(const std::string& bundle_path, const std::string& content);
  Status walk(const std::string& dir, const std::string& prefix);
  Result<Bundle> finish();

 private:
  Status add_entry(FileEntry entry);

  std::vector<FileEntry> files_;
  Bundle bundle_;
  std::uint64_t total_ = 0;
};

bool skipped_name(std::string_view name) {
  return name.empty() || name.front() == '.' || name.back() == '~';
}

std::string absolute(const std::string& path) {
  if (!path.empty() && path.front() == '/') return path;
  std::unique_ptr<char, decltype(&std::free)> cwd(::getcwd(nullptr, 0), &std::free);
  return cwd ? std::string(cwd.get()) + "/" + path : path;
}

Status Builder::add_entry(FileEntry entry) {
  if (Status s = validate_bundle_path(entry.path); !s) return s;
  // Checked while walking so that a huge tree fails early rather than after hashing it all.
  total_ += entry.size;
  if (files_.size() >= kMaxFiles || total_ > kMaxTotalBytes) {
    return Status(ErrorCode::kTooLarge, "bundle exceeds " + std::to_string(kMaxFiles) +
                                            " files or " + std::to_string(kMaxTotalBytes) +
                                            " bytes at " + quoted(entry.path));
  }
  files_.push_back(std::move(entry));
  return Status::ok();
}

Status Builder::add_file(const std::string& bundle_path, const std::string& source, bool follow) {
  OwnedFd fd(::open(source.c_str(), O_RDONLY | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW)));
  if (!fd.valid()) return file_status("cannot read " + quoted(source), errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return io_status("cannot stat " + quoted(source), errno);
  if (!S_ISREG(st.st_mode)) return Status::invalid_argument(quoted(source) + " is not a file");
  if (static_cast<std::uint64_t>(st.st_size) > kMaxFileBytes) {
    return Status(ErrorCode::kTooLarge, quoted(source) + " has " + std::to_string(st.st_size) +
                                            " bytes, more than " + std::to_string(kMaxFileBytes));
  }
  Result<FileDigest> digest = sha256_fd(fd.get(), source, kMaxFileBytes);
  if (!digest) return digest.status();
  if (bundle_.sources.count(bundle_path) != 0) {
    return Status::invalid_argument("bundle path " + quoted(bundle_path) + " given twice");
  }
  bundle_.sources[bundle_path] = absolute(source);
  std::uint32_t mode = normalized_mode(st.st_mode);
  // Configuration may hold passwords (CFlowPassword, env_vars): never world-readable.
  if (bundle_path.rfind("etc/", 0) == 0) mode &= 0750;
  return add_entry({bundle_path, mode, digest->size, digest->sha256});
}

Status Builder::add_generated(const std::string& bundle_path, const std::string& content) {
  if (bundle_.sources.count(bundle_path) != 0) {
    return Status::invalid_argument("bundle path " + quoted(bundle_path) + " given twice");
  }
  bundle_.generated[bundle_path] = content;
  return add_entry({bundle_path, 0644, content.size(), sha256_hex(content)});
}

Status Builder::walk(const std::string& dir, const std::string& prefix) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return file_status("cannot read directory " + quoted(dir), errno);
  std::vector<std::string> names;
  while (const dirent* e = ::readdir(d)) {
    if (!skipped_name(e->d_name)) names.emplace_back(e->d_name);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    const std::string path = dir + "/" + name;
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return file_status("cannot stat " + quoted(path), errno);
    Status s;
    if (S_ISLNK(st.st_mode)) {
      s = Status::invalid_argument("symlink " + quoted(path) + " is not allowed in a bundle");
    } else if (S_ISDIR(st.st_mode)) {
      if (prefix.size() + name.size() > kMaxPathBytes) {
        return validate_bundle_path(prefix + name);  // reports the length
      }
      s = walk(path, prefix + name + "/");
    } else if (S_ISREG(st.st_mode)) {
      s = add_file(prefix + name, path, false);
    }
    if (!s) return s;
  }
  return Status::ok();
}

Result<Bundle> Builder::finish() {
  Result<Manifest> m = make_manifest(std::move(files_));
  if (!m) return m.status();
  bundle_.manifest = std::move(m).value();
  return std::move(bundle_);
}

std::string bin_path(const std::string& name) {
  return name.rfind("bin/", 0) == 0 ? name : "bin/" + name;
}

}  // namespace

Result<Bundle> build_bundle(const BundleSources& sources) {
  Builder b;
  if (!sources.etc_dir.empty()) {
    for (const char* name : kEtcFiles) {
      const std::string path = sources.etc_dir + "/" + name;
      if (::access(path.c_str(), F_OK) != 0 && errno == ENOENT) continue;
      if (Status s = b.add_file(std::string("etc/") + name, path, true); !s) return s;
    }
  }
  if (!sources.policy_dir.empty()) {
    if (Status s = b.walk(sources.policy_dir, "policy/"); !s) return s;
  }
  for (std::size_t i = 0; i < sources.site_dirs.size(); ++i) {
    const std::string prefix = "site/" + std::to_string(i + 1) + "/";
    if (Status s = b.walk(sources.site_dirs[i], prefix); !s) return s;
  }
  for (const auto& [path, content] : sources.generated) {
    if (Status s = b.add_generated(path, content); !s) return s;
  }
  for (const auto& [name, source] : sources.binaries) {
    if (Status s = b.add_file(bin_path(name), source, true); !s) return s;
  }
  return b.finish();
}

}  // namespace bc::install
