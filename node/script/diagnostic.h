#pragma once
// One problem found while loading policy scripts, located in the script text. Loading
// collects them all (see loader.h) so a user fixes a policy in one pass.

#include <string>

namespace bc::node::script {

struct Diagnostic {
  std::string file;  // path of the script as opened; "<node scripts>" for the node's list
  int line = 0;      // 1-based; 0 when not about one place in a file
  int column = 0;    // 1-based, in bytes
  std::string message;

  // "file:line:column: message"; "file: message" when line is 0.
  std::string to_string() const;
};

}  // namespace bc::node::script
