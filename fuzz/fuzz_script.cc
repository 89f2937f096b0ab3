// libFuzzer target: the policy-script language (node/script/). The first input byte picks
// the mode, the rest is script text:
//   even: lexer + parser + evaluator on one file, @load statements only recorded;
//   odd:  load_scripts on real files: the text up to the first NUL is main.bro, the rest
//         base.bro, both in a scratch dir that is the search path (inputs whose @load
//         lines hold a '/' are skipped there, so that the fuzzer never reads /proc or /dev).
// Every diagnostic about main.bro must name a line of it and a column; a crash, a
// sanitizer report or abort() is a finding.

#include <stdlib.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "node/script/evaluator.h"
#include "node/script/loader.h"
#include "node/script/parser.h"

namespace {

namespace fs = std::filesystem;
using namespace bc::node::script;

void check(bool ok) {
  if (!ok) std::abort();
}

void check_locations(const std::vector<Diagnostic>& errors, std::string_view file,
                     std::string_view text) {
  const int lines = 2 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  for (const Diagnostic& d : errors) {
    check(!d.message.empty());
    if (d.file != file) continue;
    check(d.line >= 1 && d.line <= lines);
    check(d.column >= 1);
  }
}

void fuzz_parse(std::string_view text) {
  const std::string file = "main.bro";
  std::vector<Diagnostic> errors;
  const std::vector<Statement> statements = parse_script(text, file, errors);
  Globals globals;
  Evaluator evaluator(globals, errors);
  evaluator.run(file, statements,
                [](const std::string&, const Statement& load) { check(!load.name.empty()); });
  check_locations(errors, file, text);
  for (const std::string& id : globals.ids()) {
    check(globals.find(id) != nullptr);
    (void)globals.find(id)->print();
  }
}

bool loads_a_path(std::string_view text) {
  std::size_t at = text.find('@');
  while (at != std::string_view::npos) {
    const std::size_t eol = text.find('\n', at);
    if (text.substr(at, eol == std::string_view::npos ? eol : eol - at).find('/') !=
        std::string_view::npos)
      return true;
    at = text.find('@', at + 1);
  }
  return false;
}

// Removed when the fuzzer exits.
struct ScratchDir {
  std::string path;
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

const std::string& scratch_dir() {
  static const ScratchDir dir{[] {
    std::string tmpl = (fs::temp_directory_path() / "bc_fuzz_script_XXXXXX").string();
    check(mkdtemp(tmpl.data()) != nullptr);
    return fs::weakly_canonical(tmpl).string();
  }()};
  return dir.path;
}

void fuzz_load(std::string_view text) {
  if (loads_a_path(text)) return;
  const std::size_t nul = text.find('\0');
  const std::string_view main = text.substr(0, nul);
  const std::string_view base =
      nul == std::string_view::npos ? std::string_view() : text.substr(nul + 1);
  const std::string& dir = scratch_dir();
  std::ofstream(dir + "/main.bro", std::ios::trunc | std::ios::binary) << main;
  std::ofstream(dir + "/base.bro", std::ios::trunc | std::ios::binary) << base;
  LoadOptions options{{dir}, {"site"}};
  std::vector<Diagnostic> errors;
  const bc::Result<Program> program = load_scripts({"main"}, options, errors);
  check(program.is_ok() == errors.empty());
  check_locations(errors, dir + "/main.bro", main);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  if (data[0] % 2 == 0) {
    fuzz_parse(text);
  } else {
    fuzz_load(text);
  }
  return 0;
}
