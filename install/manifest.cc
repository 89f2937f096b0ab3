#include "install/manifest.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <set>

#include "common/os_error.h"
#include "install/bundle_path.h"
#include "install/sha256.h"

namespace bc::install {
namespace {

Status too_large(std::string message) {
  return {ErrorCode::kTooLarge, std::move(message)};
}

Status check_entry(const FileEntry& f) {
  if (Status s = validate_bundle_path(f.path); !s) return s;
  if (f.mode != 0644 && f.mode != 0755 && f.mode != 0640 && f.mode != 0750 && f.mode != 0600 &&
      f.mode != 0700) {
    return Status::invalid_argument("file " + quoted(f.path) + " has mode " + mode_text(f.mode) +
                                    " (only 0644, 0640, 0600, 0755, 0750 and 0700 allowed)");
  }
  if (f.size > kMaxFileBytes) {
    return too_large("file " + quoted(f.path) + " has " + std::to_string(f.size) +
                     " bytes, more than the limit of " + std::to_string(kMaxFileBytes));
  }
  if (!is_sha256_hex(f.sha256)) {
    return Status::invalid_argument("file " + quoted(f.path) +
                                    " has no valid sha256 (64 lowercase hex digits)");
  }
  return Status::ok();
}

// A file "a/b" and a file "a/b/c" cannot both exist; the receiver would otherwise fail
// half-way with a confusing "Not a directory".
Status check_no_file_dir_clash(const std::vector<FileEntry>& files) {
  std::set<std::string_view> dirs;
  for (const FileEntry& f : files) {
    std::string_view p = f.path;
    for (auto slash = p.find('/'); slash != std::string_view::npos; slash = p.find('/', slash + 1))
      dirs.insert(p.substr(0, slash));
  }
  for (const FileEntry& f : files) {
    if (dirs.count(f.path) != 0) {
      return Status::invalid_argument("bundle path " + quoted(f.path) +
                                      " is both a file and a directory");
    }
  }
  return Status::ok();
}

template <class T>
bool parse_number(std::string_view text, T& out, int base) {
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out, base);
  return ec == std::errc() && ptr == text.data() + text.size() && !text.empty();
}

Result<FileEntry> parse_line(std::string_view line) {
  FileEntry f;
  std::string_view parts[3];
  for (auto& part : parts) {
    const auto space = line.find(' ');
    if (space == std::string_view::npos) return Status::parse_error("MANIFEST line too short");
    part = line.substr(0, space);
    line.remove_prefix(space + 1);
  }
  f.sha256 = std::string(parts[0]);
  if (!parse_number(parts[1], f.mode, 8) || !parse_number(parts[2], f.size, 10)) {
    return Status::parse_error("MANIFEST line for " + quoted(line) + " has a bad mode or size");
  }
  f.path = std::string(line);
  return f;
}

}  // namespace

std::uint32_t normalized_mode(std::uint32_t st_mode) {
  const std::uint32_t base = (st_mode & 0100) ? 0755 : 0644;
  // Group and others keep only what the source gives them: a chmod 600 file stays private.
  const std::uint32_t keep =
      0700 | ((st_mode & 0040) ? 0050u : 0u) | ((st_mode & 0004) ? 0005u : 0u);
  return base & keep;
}

std::string mode_text(std::uint32_t mode) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%04o", static_cast<unsigned>(mode));
  return buf;
}

std::string manifest_text(const std::vector<FileEntry>& files) {
  std::string out;
  out.reserve(files.size() * 100);
  for (const FileEntry& f : files) {
    out += f.sha256;
    out += ' ';
    out += mode_text(f.mode);
    out += ' ';
    out += std::to_string(f.size);
    out += ' ';
    out += f.path;
    out += '\n';
  }
  return out;
}

Result<Manifest> make_manifest(std::vector<FileEntry> files) {
  std::sort(files.begin(), files.end(),
            [](const FileEntry& a, const FileEntry& b) { return a.path < b.path; });
  Manifest m;
  m.version = sha256_hex(manifest_text(files));
  m.files = std::move(files);
  if (Status s = validate_manifest(m); !s) return s;
  return m;
}

Status validate_manifest(const Manifest& manifest) {
  const auto& files = manifest.files;
  if (files.size() > kMaxFiles) {
    return too_large("bundle has " + std::to_string(files.size()) +
                     " files, more than the limit of " + std::to_string(kMaxFiles));
  }
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (Status s = check_entry(files[i]); !s) return s;
    if (i > 0 && !(files[i - 1].path < files[i].path)) {
      return Status::invalid_argument("bundle path " + quoted(files[i].path) +
                                      " is duplicated or out of order");
    }
    total += files[i].size;
  }
  if (total > kMaxTotalBytes) {
    return too_large("bundle has " + std::to_string(total) + " bytes, more than the limit of " +
                     std::to_string(kMaxTotalBytes));
  }
  if (Status s = check_no_file_dir_clash(files); !s) return s;
  if (manifest.version != sha256_hex(manifest_text(files))) {
    return Status::invalid_argument("bundle version " + quoted(manifest.version.substr(0, 80)) +
                                    " does not match its manifest");
  }
  return Status::ok();
}

Result<Manifest> parse_manifest_text(std::string_view text) {
  Manifest m;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    if (nl == std::string_view::npos)
      return Status::parse_error("MANIFEST does not end in a newline");
    Result<FileEntry> f = parse_line(text.substr(0, nl));
    if (!f) return f.status();
    m.files.push_back(std::move(f).value());
    text.remove_prefix(nl + 1);
    if (m.files.size() > kMaxFiles) break;  // validate_manifest reports it
  }
  m.version = sha256_hex(manifest_text(m.files));
  if (Status s = validate_manifest(m); !s) return s;
  return m;
}

}  // namespace bc::install
