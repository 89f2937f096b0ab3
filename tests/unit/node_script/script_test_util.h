#pragma once
// Helpers shared by the script tests: a scratch directory of script files, and loading a
// script text in one call.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "node/script/loader.h"

namespace bc::node::script::testing_util {

// A unique directory under the gtest temp dir, removed with everything in it.
class ScriptDir {
 public:
  ScriptDir() {
    std::string tmpl = ::testing::TempDir() + "/bc_script_XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = std::filesystem::weakly_canonical(tmpl).string();
  }
  ~ScriptDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScriptDir(const ScriptDir&) = delete;
  ScriptDir& operator=(const ScriptDir&) = delete;

  const std::string& path() const { return path_; }
  // Writes `relative` (creating its directories) and returns its absolute path.
  std::string write(const std::string& relative, const std::string& text) const {
    const std::filesystem::path p = std::filesystem::path(path_) / relative;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }

 private:
  std::string path_;
};

// The outcome of loading scripts: the result and every diagnostic rendered.
struct Loaded {
  Result<Program> program = Status::internal("not loaded");
  std::vector<std::string> errors;  // Diagnostic::to_string(), paths relative to the dir
};

inline Loaded load(const ScriptDir& dir, const std::vector<std::string>& names,
                   std::vector<std::string> prefixes = {},
                   std::vector<std::string> extra_path = {}) {
  LoadOptions options;
  options.search_path = {dir.path()};
  options.search_path.insert(options.search_path.end(), extra_path.begin(), extra_path.end());
  options.prefixes = std::move(prefixes);
  std::vector<Diagnostic> diags;
  Loaded out;
  out.program = load_scripts(names, options, diags);
  for (const Diagnostic& d : diags) {
    std::string s = d.to_string();
    // Messages name absolute paths; the tests compare them relative to the scratch dir.
    for (std::size_t at; (at = s.find(dir.path() + "/")) != std::string::npos;)
      s.erase(at, dir.path().size() + 1);
    out.errors.push_back(s);
  }
  return out;
}

// Loads one script text as main.bro.
inline Loaded load_text(const ScriptDir& dir, const std::string& text) {
  dir.write("main.bro", text);
  return load(dir, {"main"});
}

}  // namespace bc::node::script::testing_util
