#pragma once
// The public keys a cluster trusts, one list file per role in the keys dir (${KeysDir},
// which follows the installed snapshot, so that `install` distributes the lists and a
// revoked key stops working on the next install):
//   supervisor  the daemons: one key per host (its supervisor and nodes) and "broker"
//               (broker and collector); may publish events and ask for what the
//               collector needs (status, start, mark_failed)
//   admin       people and tools that may send any command
//   monitor     may only subscribe to the event stream and query snapshots (a tap)
// Each line is "<name> <public key in Z85>"; a line starting with '#' is a comment ('#' is
// a Z85 character, so there are no comments after a key). Secret keys are never
// in these files (key_pair.h).

#include <sys/stat.h>

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace bc::security {

enum class Role { kSupervisor, kAdmin, kMonitor };

std::string_view role_name(Role role);
std::optional<Role> parse_role(std::string_view name);
inline constexpr std::array kRoles = {Role::kSupervisor, Role::kAdmin, Role::kMonitor};

struct KeyEntry {
  std::string name;
  std::string public_z85;
  Role role = Role::kAdmin;
};

// True for names a key may carry: [A-Za-z0-9._-], 1-64 characters, not starting with '.'.
bool valid_key_name(std::string_view name);

class KeyLists {
 public:
  // Reads the three lists of `dir`; a missing list is empty. Errors name file:line (bad
  // key, bad name, a key listed twice).
  static Result<KeyLists> load(const std::string& dir);
  // Parses one list's text (exposed for tests and the fuzzer).
  static Status parse(std::string_view text, Role role, const std::string& file,
                      std::vector<KeyEntry>& out);

  const std::vector<KeyEntry>& entries() const { return entries_; }
  const KeyEntry* find_key(std::string_view public_z85) const;
  const KeyEntry* find_name(std::string_view name) const;
  bool empty() const { return entries_.empty(); }

 private:
  std::vector<KeyEntry> entries_;
};

// KeyLists that follow their files: refresh() reloads them when a list file changed (an
// install switched the snapshot). A list that fails to load keeps the previous lists in
// force and the error is kept for the log: a broken file must not open the door, and must
// not lock out the admins either. Owned by one thread.
class KeyRing {
 public:
  explicit KeyRing(std::string dir) : dir_(std::move(dir)) {}
  // Loads the lists for the first time; the error when they cannot be read.
  Status load();
  // Reloads when a file changed; returns the reload's error (lists kept) or ok.
  Status refresh();
  const KeyLists& lists() const { return lists_; }
  const std::string& dir() const { return dir_; }

 private:
  using Stamp = std::array<struct timespec, 3>;
  Stamp stamp() const;

  std::string dir_;
  KeyLists lists_;
  Stamp stamp_{};
  bool loaded_ = false;
};

// The list file of `role` in `dir`.
std::string list_path(const std::string& dir, Role role);

}  // namespace bc::security
