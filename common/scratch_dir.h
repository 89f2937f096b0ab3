#pragma once
// A fresh directory `<parent>/<prefix>XXXXXX` (the parent made, mode 0700, when missing),
// removed with everything in it when the object goes: the shell's one temporary directory
// for work it hands to another program (Zeek's check, gnuplot's data).

#include <string>

#include "common/status.h"

namespace bc {

class ScratchDir {
 public:
  // kIo naming the parent when it cannot be made or the directory cannot be created.
  static Result<ScratchDir> make(const std::string& parent, const std::string& prefix);
  ScratchDir(ScratchDir&& other) noexcept;
  ScratchDir& operator=(ScratchDir&&) = delete;
  ~ScratchDir();
  const std::string& path() const { return path_; }

 private:
  explicit ScratchDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

}  // namespace bc
