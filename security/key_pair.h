#pragma once
// A CURVE key pair (Z85 text, 40 characters each) and its secret key file. The file is the
// only place a secret key is written: mode 0600 in a 0700 directory, and a file that
// others may read is refused as ssh refuses a loose identity file, because a key that
// anyone on the host could have copied no longer says who sent a command.

#include <string>

#include "common/status.h"

namespace bc::security {

struct KeyPair {
  std::string public_z85;
  std::string secret_z85;
};

// A fresh pair from libzmq (libsodium underneath).
Result<KeyPair> generate_key_pair();
// True for 40 characters of Z85 that decode to 32 bytes.
bool is_z85_key(std::string_view text);

// Writes `pair` to `path` (lines "public = ..." and "secret = ..."), creating the
// directory with mode 0700; refuses to replace an existing file.
Status write_secret_file(const std::string& path, const KeyPair& pair);
// Reads a secret key file; errors name the file (missing, loose mode, malformed). The
// public key is recomputed from the secret one and must match the file's.
Result<KeyPair> read_secret_file(const std::string& path);

}  // namespace bc::security
