#include "install/sha256.h"

#include <sodium/core.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>

#include "common/os_error.h"

namespace bc::install {
namespace {

// sodium_init() picks the fastest implementations for this CPU; it must run before the
// first use and is cheap afterwards. A failure means the library cannot work at all.
void ensure_sodium() {
  static const int rc = sodium_init();
  if (rc < 0) std::abort();
}

std::string to_hex(const unsigned char* bytes, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 0xf];
  }
  return out;
}

}  // namespace

Sha256::Sha256() {
  ensure_sodium();
  crypto_hash_sha256_init(&state_);
}

void Sha256::update(std::string_view data) {
  crypto_hash_sha256_update(&state_, reinterpret_cast<const unsigned char*>(data.data()),
                            data.size());
}

std::string Sha256::finish_hex() {
  std::array<unsigned char, crypto_hash_sha256_BYTES> out{};
  crypto_hash_sha256_final(&state_, out.data());
  return to_hex(out.data(), out.size());
}

std::string sha256_hex(std::string_view data) {
  Sha256 h;
  h.update(data);
  return h.finish_hex();
}

bool is_sha256_hex(std::string_view text) {
  if (text.size() != kSha256HexChars) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Result<FileDigest> sha256_fd(int fd, std::string_view name, std::uint64_t max_bytes) {
  Sha256 h;
  std::string buf(1 << 16, '\0');
  std::uint64_t offset = 0;
  for (;;) {
    const ssize_t n = ::pread(fd, buf.data(), buf.size(), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_status("cannot read " + quoted(name), errno);
    }
    if (n == 0) break;
    offset += static_cast<std::uint64_t>(n);
    if (offset > max_bytes) {
      return Status(ErrorCode::kTooLarge,
                    quoted(name) + " is larger than " + std::to_string(max_bytes) + " bytes");
    }
    h.update(std::string_view(buf.data(), static_cast<std::size_t>(n)));
  }
  return FileDigest{h.finish_hex(), offset};
}

}  // namespace bc::install
