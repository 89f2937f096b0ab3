#pragma once
// Test helpers for the install tests: the temporary directory and small file
// helpers (plain writes; the code under test does the careful ones).

#include <string>

#include "tests/support/processes.h"
#include "tests/support/run_process.h"

namespace bc::install::testing {

// The tests' one temp-dir helper (tests/support/run_process.h).
using TempDir = bc::test::TempDir;

// Creates `path` (and its parent directories) with `content` and `mode`.
void write_file(const std::string& path, const std::string& content, int mode = 0644);
// Whole file, or "<unreadable>".
inline std::string slurp(const std::string& path) {
  return bc::test::file_text(path, "<unreadable>");
}
// Permission bits of `path` (lstat), or -1.
int mode_of(const std::string& path);
// Number of entries in a directory (0 when absent).
int count_entries(const std::string& dir);

}  // namespace bc::install::testing
