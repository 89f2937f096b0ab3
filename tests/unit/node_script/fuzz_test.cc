// Random, truncated and mutated scripts: every input ends in a program or in errors that
// name a place in the file — never a crash, a hang or a silent failure.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>

#include "node/script/parser.h"
#include "script_test_util.h"

namespace bc::node::script {
namespace {

using testing_util::ScriptDir;

const std::string kValid =
    "# a site policy\n"
    "@load base\n"
    "module Scan;\n"
    "export {\n"
    "\tconst limit: count = 25 &redef;\n"
    "\tconst every = 1.5 hrs &redef;\n"
    "\tconst ports: set[port] = { 80/tcp, 53/udp, 8/icmp } &redef;\n"
    "\tconst nets: set[subnet] = { 10.0.0.0/8, [2001:db8::]/32 } &redef;\n"
    "}\n"
    "redef limit = 50;\n"
    "redef ports += { 443/tcp };\n"
    "redef ports -= { 53/udp };\n"
    "global name = \"x\\ty\\x41\" &redef;\n"
    "global GLOBAL::home = [::1];\n"
    "redef Base::flag = F;\n"
    "redef nets += set(192.168.0.0/16);\n"
    "global neg = -3;\n";

const std::string kBase = "module Base;\nexport { global flag = T &redef; }\n";

// Loads `text` as main.bro and checks the invariants every outcome must keep. Returns
// whether it loaded.
bool check_one(const ScriptDir& dir, const std::string& text) {
  dir.write("main.bro", text);
  LoadOptions options{{dir.path()}, {}};
  std::vector<Diagnostic> errors;
  const Result<Program> program = load_scripts({"main"}, options, errors);
  EXPECT_EQ(program.is_ok(), errors.empty()) << text;
  const int lines = 2 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  for (const Diagnostic& d : errors) {
    EXPECT_FALSE(d.message.empty());
    if (d.file.find("main.bro") == std::string::npos) continue;
    EXPECT_GE(d.line, 1) << d.to_string();
    EXPECT_LE(d.line, lines) << d.to_string();
    EXPECT_GE(d.column, 1) << d.to_string();
  }
  return program.is_ok();
}

TEST(Fuzz, ValidInputLoads) {
  ScriptDir dir;
  dir.write("base.bro", kBase);
  EXPECT_TRUE(check_one(dir, kValid));
}

TEST(Fuzz, EveryTruncationEndsInProgramOrErrors) {
  ScriptDir dir;
  dir.write("base.bro", kBase);
  int failed = 0;
  for (std::size_t n = 0; n < kValid.size(); ++n) {
    if (!check_one(dir, kValid.substr(0, n))) ++failed;
  }
  // Most cuts land inside a statement; those must be reported.
  EXPECT_GT(failed, static_cast<int>(kValid.size()) / 2);
}

TEST(Fuzz, CutsInsideAStatementAreErrors) {
  ScriptDir dir;
  dir.write("base.bro", kBase);
  for (const char* cut : {"redef limit =", "redef ports += { 443", "const every = 1.5",
                          "global name = \"x\\t", "export {\n\tconst limit: count = 25 &red"}) {
    const std::size_t at = kValid.find(cut);
    ASSERT_NE(at, std::string::npos) << cut;
    EXPECT_FALSE(check_one(dir, kValid.substr(0, at + std::strlen(cut)))) << cut;
  }
}

TEST(Fuzz, RandomMutationsNeverCrash) {
  ScriptDir dir;
  dir.write("base.bro", kBase);
  std::mt19937 rng(20261130);
  const std::string alphabet = "{}()[];:,=+-&@#\"\\/.0123456789abcdefxT F\n\t:\xff";
  for (int i = 0; i < 400; ++i) {
    std::string text = kValid;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = rng() % text.size();
      switch (rng() % 3) {
        case 0:
          text[at] = alphabet[rng() % alphabet.size()];
          break;
        case 1:
          text.erase(at, 1 + rng() % 8);
          break;
        default:
          text.insert(at, 1, alphabet[rng() % alphabet.size()]);
          break;
      }
      if (text.empty()) text = "x";
    }
    check_one(dir, text);
  }
}

TEST(Fuzz, RandomBytesAreErrors) {
  ScriptDir dir;
  std::mt19937 rng(42);
  for (int i = 0; i < 200; ++i) {
    std::string text(1 + rng() % 200, '\0');
    for (char& c : text)
      c = static_cast<char>(rng() % 256);
    text.insert(0, "global x = 1;\n!");  // at least one thing no script may contain
    EXPECT_FALSE(check_one(dir, text));
  }
}

TEST(Fuzz, DeepNestingAndLongInputs) {
  ScriptDir dir;
  // Unbalanced braces, a very long set, and @load chains deeper than the limit.
  EXPECT_FALSE(check_one(dir, std::string(5000, '{')));
  EXPECT_FALSE(check_one(dir, std::string(5000, '}')));
  std::string big = "global s: set[count] = {";
  for (int i = 0; i < 20000; ++i)
    big += std::to_string(i) + ",";
  big += "};\n";
  EXPECT_TRUE(check_one(dir, big));
  for (int i = 0; i < 70; ++i)
    dir.write("chain" + std::to_string(i) + ".bro", "@load chain" + std::to_string(i + 1) + "\n");
  dir.write("chain70.bro", "");
  LoadOptions options{{dir.path()}, {}};
  std::vector<Diagnostic> errors;
  EXPECT_FALSE(load_scripts({"chain0"}, options, errors).is_ok());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].message.find("@load nesting deeper than 64"), std::string::npos);
}

}  // namespace
}  // namespace bc::node::script
