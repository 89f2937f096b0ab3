#pragma once
// Test helpers for the install tests: a self-removing temporary directory and small file
// helpers (plain writes; the code under test does the careful ones).

#include <string>

namespace bc::install::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Creates `path` (and its parent directories) with `content` and `mode`.
void write_file(const std::string& path, const std::string& content, int mode = 0644);
// Whole file, or "<unreadable>".
std::string slurp(const std::string& path);
// Permission bits of `path` (lstat), or -1.
int mode_of(const std::string& path);
// Number of entries in a directory (0 when absent).
int count_entries(const std::string& dir);

}  // namespace bc::install::testing
