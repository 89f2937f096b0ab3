#pragma once
// A bundle's manifest: every file with its mode, size and SHA-256, sorted by path. The
// version is the SHA-256 of the manifest's canonical text (the MANIFEST file's content),
// so the same content has the same version on every host, whatever the mtimes.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace bc::install {

struct FileEntry {
  std::string path;           // bundle path (see bundle_path.h)
  std::uint32_t mode = 0644;  // 0644 or 0755: only the owner-execute bit is kept
  std::uint64_t size = 0;
  std::string sha256;  // lowercase hex
  bool operator==(const FileEntry&) const = default;
};

struct Manifest {
  std::vector<FileEntry> files;  // sorted by path, unique
  std::string version;
};

// 0755 when `st_mode` has the owner-execute bit, else 0644; without the group or other
// bits that `st_mode` lacks read permission for (so 0600 stays 0600, 0640 stays 0640).
std::uint32_t normalized_mode(std::uint32_t st_mode);

// "0644": the mode as four octal digits, as in MANIFEST.
std::string mode_text(std::uint32_t mode);

// The canonical text: "<sha256> <mode as 4 octal digits> <size> <path>\n" per file.
// REQUIRES: files sorted by path.
std::string manifest_text(const std::vector<FileEntry>& files);

// Sorts the files, computes the version and validates the result (validate_manifest).
Result<Manifest> make_manifest(std::vector<FileEntry> files);

// Everything a receiver must know before it writes a byte: file count, each path
// (validate_bundle_path), mode, size and digest format, strict order, no file that is
// also another file's directory, the total size, and that `version` matches the content.
// kTooLarge for limits, kInvalidArgument otherwise; messages name the offending path.
Status validate_manifest(const Manifest& manifest);

// Parses a MANIFEST file's text (as written by manifest_text) and validates it.
Result<Manifest> parse_manifest_text(std::string_view text);

}  // namespace bc::install
