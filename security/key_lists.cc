#include "security/key_lists.h"

#include <cerrno>
#include <cstring>

#include "common/file_util.h"
#include "common/os_error.h"
#include "common/strings.h"
#include "security/key_pair.h"

namespace bc::security {

std::string_view role_name(Role role) {
  switch (role) {
    case Role::kSupervisor:
      return "supervisor";
    case Role::kAdmin:
      return "admin";
    case Role::kMonitor:
      return "monitor";
  }
  return "unknown";
}

std::optional<Role> parse_role(std::string_view name) {
  for (Role r : kRoles) {
    if (role_name(r) == name) return r;
  }
  return std::nullopt;
}

bool valid_key_name(std::string_view name) {
  if (name.empty() || name.size() > 64 || name[0] == '.') return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string list_path(const std::string& dir, Role role) {
  return dir + "/" + std::string(role_name(role));
}

Status KeyLists::parse(std::string_view text, Role role, const std::string& file,
                       std::vector<KeyEntry>& out) {
  int line_no = 0;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    // Only whole-line comments: '#' is one of Z85's characters, so a key may contain it.
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    const std::size_t space = line.find_first_of(" \t");
    const std::string where = file + ":" + std::to_string(line_no) + ": ";
    if (space == std::string_view::npos) {
      return Status::parse_error(where + "expected '<name> <public key>'");
    }
    const std::string_view name = line.substr(0, space);
    const std::string_view key = trim(line.substr(space));
    if (!valid_key_name(name)) {
      return Status::parse_error(where + "bad key name " + bc::quoted(name) +
                                 " (letters, digits, '.', '_', '-'; at most 64)");
    }
    if (!is_z85_key(key)) {
      return Status::parse_error(where + "key of " + bc::quoted(name) +
                                 " is not a public key (40 Z85 characters)");
    }
    for (const KeyEntry& e : out) {
      if (e.public_z85 == key) {
        return Status::parse_error(where + "key of " + bc::quoted(name) + " is already listed as " +
                                   bc::quoted(e.name) + " (" + std::string(role_name(e.role)) +
                                   "): one key, one role");
      }
      if (e.name == name) {
        return Status::parse_error(where + "name " + bc::quoted(name) + " is already listed (" +
                                   std::string(role_name(e.role)) + ")");
      }
    }
    out.push_back(KeyEntry{std::string(name), std::string(key), role});
  }
  return Status::ok();
}

Result<KeyLists> KeyLists::load(const std::string& dir) {
  KeyLists lists;
  for (Role role : kRoles) {
    const std::string path = list_path(dir, role);
    auto text = read_file(path, 1 << 20);
    if (!text.is_ok()) {
      if (text.status().code() == ErrorCode::kNotFound) continue;
      return text.status();
    }
    if (Status s = parse(*text, role, path, lists.entries_); !s.is_ok()) return s;
  }
  return lists;
}

const KeyEntry* KeyLists::find_key(std::string_view public_z85) const {
  for (const KeyEntry& e : entries_) {
    if (e.public_z85 == public_z85) return &e;
  }
  return nullptr;
}

const KeyEntry* KeyLists::find_name(std::string_view name) const {
  for (const KeyEntry& e : entries_) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

KeyRing::Stamp KeyRing::stamp() const {
  Stamp s{};
  for (std::size_t i = 0; i < kRoles.size(); ++i) {
    struct stat st {};
    if (::stat(list_path(dir_, kRoles[i]).c_str(), &st) == 0) {
      s[i] = st.st_mtim;
      // The size and inode catch a rewrite within one timestamp tick.
      s[i].tv_nsec ^= static_cast<long>(st.st_size) ^ static_cast<long>(st.st_ino << 20);
    }
  }
  return s;
}

Status KeyRing::load() {
  const Stamp now = stamp();
  auto lists = KeyLists::load(dir_);
  if (!lists.is_ok()) return lists.status();
  lists_ = std::move(lists).value();
  stamp_ = now;
  loaded_ = true;
  return Status::ok();
}

Status KeyRing::refresh() {
  const Stamp now = stamp();
  if (loaded_ && std::memcmp(&now, &stamp_, sizeof now) == 0) return Status::ok();
  auto lists = KeyLists::load(dir_);
  stamp_ = now;  // a broken file is reported once per change, not on every request
  if (!lists.is_ok()) return lists.status();
  lists_ = std::move(lists).value();
  loaded_ = true;
  return Status::ok();
}

}  // namespace bc::security
