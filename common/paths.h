#pragma once
// Where this installation lives. The install prefix is the BroBase (bin/, etc/, policy/,
// spool/ under it, as the manual lays it out), so a binary can find its base without
// being told: <prefix>/bin/brocluster -> <prefix>.

#include <string>

namespace bc {

// Absolute path of the running executable (from /proc/self/exe); empty if unreadable.
std::string self_executable();
// Directory holding the running executable.
std::string self_directory();
// The BroBase to use when none is given: $BROCLUSTER_BASE if set, else the parent of the
// executable's directory when that has an etc/ dir, else the current directory.
std::string default_base_dir();
// `path` made absolute against the current directory and lexically normalised; "" stays "".
// Every path a user gives is passed through this before it reaches a daemon, which
// detaches and changes to / (a relative BroBase would then name nothing).
std::string absolute_path(const std::string& path);

}  // namespace bc
