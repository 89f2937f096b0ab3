#pragma once
// Where execvp would find a program: the one PATH search of the code base (the spawner,
// the mailer, and `check` use it). A name with a '/' is taken as it is.

#include <optional>
#include <string>
#include <string_view>

namespace bc {

// The path of `name` searched in `path_list` (a PATH value, ':'-separated; an empty entry
// is the current directory, as POSIX says); nullopt when no entry holds an executable
// file of that name.
std::optional<std::string> find_in_path(const std::string& name, std::string_view path_list);

// PATH of this process, or the usual system PATH when it is unset or empty.
std::string process_path();

}  // namespace bc
