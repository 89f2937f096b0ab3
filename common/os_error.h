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

}  // namespace bc
