#include "security/key_pair.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <filesystem>

#include "common/file_util.h"
#include "common/os_error.h"
#include "common/strings.h"

namespace bc::security {

Result<KeyPair> generate_key_pair() {
  std::array<char, 41> pub{};
  std::array<char, 41> sec{};
  if (zmq_curve_keypair(pub.data(), sec.data()) != 0) {
    return Status::unsupported(std::string("cannot make a CURVE key pair: ") +
                               zmq_strerror(zmq_errno()) +
                               " (libzmq needs CURVE support, built with libsodium)");
  }
  return KeyPair{pub.data(), sec.data()};
}

bool is_z85_key(std::string_view text) {
  if (text.size() != 40) return false;
  const std::string z(text);
  std::array<std::uint8_t, 32> raw{};
  return zmq_z85_decode(raw.data(), z.c_str()) != nullptr;
}

Status write_secret_file(const std::string& path, const KeyPair& pair) {
  const std::string dir = std::filesystem::path(path).parent_path().string();
  if (Status s = ensure_dir(dir, 0700); !s.is_ok()) return s;
  // ensure_dir keeps the mode of a directory that exists; a secret dir must not be open.
  if (::chmod(dir.c_str(), 0700) != 0)
    return io_status("cannot chmod 0700 " + bc::quoted(dir), errno);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return io_status("cannot create secret key file " + bc::quoted(path), errno);
  const std::string text =
      "# BroCluster CURVE key pair; keep this file secret (mode 0600).\n"
      "public = " +
      pair.public_z85 + "\nsecret = " + pair.secret_z85 + "\n";
  const ssize_t n = ::write(fd, text.data(), text.size());
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (n != static_cast<ssize_t>(text.size()) || !synced) {
    ::unlink(path.c_str());
    return Status::io_error("cannot write secret key file " + bc::quoted(path));
  }
  return Status::ok();
}

Result<KeyPair> read_secret_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return file_status("cannot read secret key file " + bc::quoted(path), errno);
  }
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%03o", static_cast<unsigned>(st.st_mode & 0777));
    return Status(ErrorCode::kPermissionDenied,
                  "secret key file " + bc::quoted(path) + " may be read by others (mode " + mode +
                      "); chmod 600 it, or make a new key: it may have been copied");
  }
  auto text = read_file(path, 4096);
  if (!text.is_ok()) return text.status();
  KeyPair pair;
  int line_no = 0;
  std::string_view rest = *text;
  while (!rest.empty()) {
    const std::size_t nl = rest.find('\n');
    const std::string line(trim(rest.substr(0, nl)));
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    const auto eq = line.find('=');
    const std::string key(trim(std::string_view(line).substr(0, eq)));
    const std::string value(eq == std::string::npos ? ""
                                                    : trim(std::string_view(line).substr(eq + 1)));
    if (key == "public" && is_z85_key(value)) {
      pair.public_z85 = value;
    } else if (key == "secret" && is_z85_key(value)) {
      pair.secret_z85 = value;
    } else {
      // The value is never shown: on a secret line it would be (part of) the secret.
      return Status::parse_error(path + ":" + std::to_string(line_no) +
                                 ": expected 'public = <40 Z85 characters>' or "
                                 "'secret = <40 Z85 characters>'");
    }
  }
  if (pair.secret_z85.empty()) return Status::parse_error(path + ": no 'secret =' line");
  std::array<char, 41> derived{};
  if (zmq_curve_public(derived.data(), pair.secret_z85.c_str()) != 0) {
    return Status::parse_error(path + ": the secret key is not a CURVE key");
  }
  if (!pair.public_z85.empty() && pair.public_z85 != derived.data()) {
    return Status::parse_error(path + ": the public key does not belong to the secret key");
  }
  pair.public_z85 = derived.data();
  return pair;
}

}  // namespace bc::security
