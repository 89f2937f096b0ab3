#pragma once
// Diagnostics collected while loading configuration files. Loading never stops at the
// first problem: every error and warning is recorded with the file, line and (where it
// applies) node it concerns, so a user fixes a config in one pass.

#include <string>
#include <vector>

namespace bc::config {

enum class Severity { kError, kWarning };

struct Diagnostic {
  Severity severity = Severity::kError;
  std::string file;  // path as given to the loader; empty when not about one file
  int line = 0;      // 1-based; 0 when not about one line
  std::string node;  // node name when the problem is about a node
  std::string message;

  // "Error: etc/node.cfg:12: node 'worker-1': unknown type 'wroker'"
  std::string render() const;
};

class Diagnostics {
 public:
  void error(std::string file, int line, std::string message, std::string node = {});
  void warning(std::string file, int line, std::string message, std::string node = {});

  bool has_errors() const;
  const std::vector<Diagnostic>& items() const { return items_; }
  // Everything rendered, one per line, errors and warnings in the order found.
  std::string render_all() const;

 private:
  std::vector<Diagnostic> items_;
};

}  // namespace bc::config
