#pragma once
// Turning errno values into BroCluster Status values. Every OS-facing function of the
// supervisor reports failures as "<what it tried> '<path>': <strerror>", so that a user
// reading the message knows which file or program is at fault without a debugger.

#include <string>
#include <string_view>

#include "common/status.h"

namespace bc {

// strerror text for `err`, thread-safe (strerror_r), e.g. "No such file or directory".
std::string errno_text(int err);

// Status with code kIo and message "<what>: <strerror(err)>".
Status io_status(std::string_view what, int err);

// Like io_status, but ENOENT maps to kNotFound: callers often treat "absent" as normal.
Status file_status(std::string_view what, int err);

// "'path'" — quoting paths consistently in messages.
std::string quoted(std::string_view path);
// The same for strings and C strings. Without the std::string ones, quoted(a_string) would
// call std::quoted (found by argument-dependent lookup, which has overloads for const and
// non-const std::string) in every file that sees <iomanip>, which <filesystem>, <zmq.hpp>
// and gtest include, and which the shared precompiled headers and the unity batches
// (cmake/) put in front of most files; the const char* one keeps quoted(argv[0])
// unambiguous.
std::string quoted(const std::string& path);
std::string quoted(std::string& path);
std::string quoted(const char* path);

}  // namespace bc
