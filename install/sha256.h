#pragma once
// SHA-256 through libsodium (a well-kept Debian package rather than our own code).
// Digests are lowercase hex everywhere: in manifests, on the wire and as version names.

#include <sodium/crypto_hash_sha256.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace bc::install {

inline constexpr std::size_t kSha256HexChars = 64;

// Incremental hashing, for files read in pieces. Not copyable state worth sharing: one
// object per digest, one thread at a time.
class Sha256 {
 public:
  Sha256();
  void update(std::string_view data);
  // REQUIRES: called once; the object is spent afterwards.
  std::string finish_hex();

 private:
  crypto_hash_sha256_state state_;
};

std::string sha256_hex(std::string_view data);

// True for exactly 64 lowercase hex digits.
bool is_sha256_hex(std::string_view text);

struct FileDigest {
  std::string sha256;
  std::uint64_t size = 0;
};

// Hashes an open file from offset 0 to its end (pread, so the file offset is untouched).
// Fails with kTooLarge when the file is longer than `max_bytes`. Messages name `name`.
Result<FileDigest> sha256_fd(int fd, std::string_view name, std::uint64_t max_bytes);

}  // namespace bc::install
