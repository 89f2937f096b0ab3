// Broken scripts → the exact "file:line:column: message" texts a user sees.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "script_test_util.h"

namespace bc::node::script {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using testing_util::load;
using testing_util::load_text;
using testing_util::ScriptDir;

struct Broken {
  const char* name;
  std::string script;
  std::vector<std::string> errors;
};

// Names the case in test listings instead of its bytes.
void PrintTo(const Broken& c, std::ostream* os) {
  *os << c.name;
}

class BrokenScript : public ::testing::TestWithParam<Broken> {};

TEST_P(BrokenScript, ReportsFileLineColumn) {
  ScriptDir dir;
  const Broken& b = GetParam();
  const auto loaded = load_text(dir, b.script);
  EXPECT_FALSE(loaded.program.is_ok());
  EXPECT_THAT(loaded.errors, ElementsAreArray(b.errors));
}

const char* kKnobs =
    "module Scan;\n"
    "export {\n"
    "  const threshold: count = 25 &redef;\n"
    "  const fixed = 5 min;\n"
    "  const ports: set[port] = {} &redef;\n"
    "}\n";

std::string knobs(const std::string& more) {
  return std::string(kKnobs) + more;
}

INSTANTIATE_TEST_SUITE_P(
    Table, BrokenScript,
    ::testing::Values(
        Broken{"WrongTypeInDeclaration",
               "global x: count = \"many\";\n",
               {"main.bro:1:19: type mismatch for 'x': expected count, got string"}},
        Broken{"WrongTypeInRedef",
               knobs("redef threshold = 5 min;\n"),
               {"main.bro:7:19: type mismatch for 'Scan::threshold': expected count, got "
                "interval"}},
        Broken{"WrongSetElement",
               knobs("redef ports += { 80/tcp, 443 };\n"),
               {"main.bro:7:26: type mismatch for 'element of 'Scan::ports'': expected port, "
                "got count"}},
        Broken{"NegativeCount",
               "global x: count = -1;\n",
               {"main.bro:1:19: type mismatch for 'x': expected count, got int"}},
        Broken{"RedefNotRedefinable",
               knobs("redef fixed = 10 min;\n"),
               {"main.bro:7:7: 'Scan::fixed' is not redefinable (declared without &redef at "
                "main.bro:4:9)"}},
        Broken{"RedefUnknown",
               "redef Scan::nothing = 5;\n",
               {"main.bro:1:7: redef of unknown identifier 'Scan::nothing'"}},
        Broken{"Redeclaration",
               knobs("module Scan;\nglobal threshold = 3;\n"),
               {"main.bro:8:8: redeclaration of 'Scan::threshold' (first declared at "
                "main.bro:3:9)"}},
        Broken{"AddToNonSet",
               knobs("redef threshold += { 5 };\n"),
               {"main.bro:7:7: '+=' needs a set, but 'Scan::threshold' is count"}},
        Broken{"AddSetOfOtherType",
               knobs("global names = { \"a\" };\nredef ports += names;\n"),
               {"main.bro:8:16: type mismatch for 'Scan::ports': expected set[port], got "
                "set[string]"}},
        Broken{"RemoveFromNonSet",
               "global s = \"x\" &redef;\nredef s -= \"x\";\n",
               {"main.bro:2:7: '-=' needs a set, but 's' is string"}},
        Broken{"OtherAttribute",
               "global x: count = 5 &log;\n",
               {"main.bro:1:21: attribute &log is not supported (only &redef)"}},
        Broken{"AttributeWithValue",
               "global x: count = 5 &default = 3 &redef;\nredef x = 4;\n",
               {"main.bro:1:21: attribute &default is not supported (only &redef)"}},
        Broken{"MissingSemicolon",
               "global x = 5\nglobal y = 6;\nredef x = 7;\n",
               {"main.bro:2:1: syntax error: expected ';' in the declaration of 'x', got "
                "'global'",
                "main.bro:3:7: 'x' is not redefinable (declared without &redef at "
                "main.bro:1:8)"}},
        Broken{"UnknownType",
               "global x: cnt = 5;\nglobal y: table = 1;\n",
               {"main.bro:1:11: unknown type 'cnt'",
                "main.bro:2:11: unsupported type 'table' (the types here: bool, count, int, "
                "double, interval, string, addr, subnet, port and set[...] of them)"}},
        Broken{"BrokenDeclarationDoesNotCascade",
               "const x: cnt = 5 &redef;\nredef x = 6;\nglobal y = x;\n",
               {"main.bro:1:10: unknown type 'cnt'"}},
        Broken{"UnsupportedStatement",
               "event bro_init() { print 1; }\nglobal x = 5\n;\n",
               {"main.bro:1:1: unsupported statement 'event': policy scripts here only declare "
                "and redefine values"}},
        Broken{"UnsupportedDirective",
               "@if ( T )\n@load-sigs foo\nglobal x = 1;\n",
               {"main.bro:1:1: unsupported directive '@if'",
                "main.bro:2:1: unsupported directive '@load-sigs'"}},
        Broken{"UnterminatedString",
               "global x = \"abc\nglobal y = 1;\n",
               {"main.bro:1:12: unterminated string"}},
        Broken{"BadEscape",
               "global x = \"a\\qb\";\n",
               {"main.bro:1:14: unknown escape sequence '\\q' in string"}},
        Broken{"BadAddress",
               "global a = 10.0.0.256;\nglobal b = 1.2.3;\nglobal c = 2001:db8:::1;\n",
               {"main.bro:1:12: malformed address '10.0.0.256'",
                "main.bro:2:12: malformed number or address '1.2.3'",
                "main.bro:3:12: malformed address '2001:db8:::1'"}},
        Broken{"BadSubnet",
               "global n = 10.0.0.0/33;\n",
               {"main.bro:1:12: bad prefix length in subnet '10.0.0.0/33'"}},
        Broken{"BadPort",
               "global p = 70000/tcp;\nglobal q = 80/sctp;\nglobal r = 300/icmp;\n",
               {"main.bro:1:12: bad port number in '70000/tcp'",
                "main.bro:2:12: unknown protocol 'sctp' in port '80/sctp'",
                "main.bro:3:12: bad port number in '300/icmp'"}},
        Broken{"CountOutOfRange",
               "global x = 18446744073709551616;\nglobal y = -9223372036854775809;\n",
               {"main.bro:1:12: count literal out of range '18446744073709551616'",
                "main.bro:2:13: int literal out of range '-9223372036854775809'"}},
        Broken{"CountTooBigForInt",
               "global x: int = 9223372036854775808;\n",
               {"main.bro:1:17: value out of range for 'x': 9223372036854775808 does not fit "
                "an int"}},
        Broken{"MixedSet",
               "global s = { 80/tcp, \"http\" };\n",
               {"main.bro:1:22: set elements of different types: port and string"}},
        Broken{"UntypedEmptySet",
               "global s = {};\n",
               {"main.bro:1:12: cannot tell the element type of an empty set; declare the "
                "type, as in 'global s: set[port] = {};'"}},
        Broken{"SetOfSets",
               "global s: set[set[port]];\nglobal t = { { 1 } };\n",
               {"main.bro:1:15: sets of sets are not supported",
                "main.bro:2:14: sets of sets are not supported"}},
        Broken{"SetExpectedScalarGiven",
               "global s: set[port] = 80/tcp;\nglobal c: count = { 1 };\n",
               {"main.bro:1:23: type mismatch for 's': expected set[port], got port",
                "main.bro:2:19: type mismatch for 'c': expected count, got a set"}},
        Broken{"ConstWithoutValue",
               "const x: count &redef;\nglobal y;\n",
               {"main.bro:1:7: constant 'x' needs an initial value",
                "main.bro:2:8: 'y' needs a type or an initial value"}},
        Broken{"UnknownIdInValue", "global x = y;\n", {"main.bro:1:12: unknown identifier 'y'"}},
        Broken{"UnexpectedCharacter",
               "global x = 5 $;\nglobal y = 6;\n",
               {"main.bro:1:14: unexpected character '$'"}},
        Broken{"RedefBadOperator",
               "global x = 5 &redef;\nredef x *= 2;\nredef x = ;\n",
               {"main.bro:2:9: unexpected character '*'",
                "main.bro:3:11: syntax error: expected a value, got ';'"}},
        Broken{"RedefAttribute",
               "global x = 5 &redef;\nredef x = 6 &redef;\n",
               {"main.bro:2:13: attribute &redef is not allowed in a redef"}},
        Broken{"ModuleWithoutName",
               "module ;\nmodule A::B;\n",
               {"main.bro:1:8: syntax error: expected a module name after 'module', got ';'",
                "main.bro:2:8: syntax error: expected a module name after 'module', got "
                "'A::B'"}},
        Broken{"RedefEnum",
               "redef enum Notice::Type += { Foo };\n",
               {"main.bro:1:7: unsupported statement 'redef enum': policy scripts here only "
                "redefine values"}},
        Broken{"LoadWithoutName", "@load\n", {"main.bro:1:1: @load needs a script name"}},
        Broken{"StrayBrace",
               "}\nglobal x = 1;\nx = 2;\n",
               {"main.bro:1:1: syntax error: unexpected '}'",
                "main.bro:3:1: unsupported statement 'x': policy scripts here only declare and "
                "redefine values"}}),
    [](const ::testing::TestParamInfo<Broken>& info) { return info.param.name; });

TEST(Errors, ManyErrorsInOneFileAreAllReported) {
  ScriptDir dir;
  const auto loaded = load_text(dir,
                                "global a: count = \"x\";\n"
                                "global b = 10.0.0.300;\n"
                                "redef c = 1;\n"
                                "global d: port = 80;\n");
  EXPECT_EQ(loaded.errors.size(), 4u) << ::testing::PrintToString(loaded.errors);
  EXPECT_EQ(loaded.program.status().code(), ErrorCode::kParse);
}

TEST(Errors, MissingLoadNamesScriptAndWhereFrom) {
  ScriptDir dir;
  dir.write("site/local.bro", "# site\n\n  @load  no-such-script # typo\n");
  const auto loaded = load(dir, {"site/local", "absent"});
  EXPECT_THAT(
      loaded.errors,
      ElementsAre("site/local.bro:3:3: cannot load 'no-such-script': not found in " + dir.path(),
                  "<node scripts>: cannot load 'absent': not found in " + dir.path()));
  EXPECT_EQ(loaded.program.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(loaded.program.status().message().find("(and 1 more errors)"), std::string::npos);
}

TEST(Errors, ErrorsInLoadedFilesNameThatFile) {
  ScriptDir dir;
  dir.write("a.bro", "@load b\nglobal x: count = T;\n");
  dir.write("b.bro", "\n\nglobal y: bool = 1;\n");
  const auto loaded = load(dir, {"a"});
  EXPECT_THAT(loaded.errors,
              ElementsAre("b.bro:3:18: type mismatch for 'y': expected bool, got count",
                          "a.bro:2:19: type mismatch for 'x': expected count, got bool"));
}

TEST(Errors, EmptySearchPath) {
  std::vector<Diagnostic> errors;
  const auto r = load_scripts({"standalone"}, LoadOptions{}, errors);
  EXPECT_FALSE(r.is_ok());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].to_string(),
            "<node scripts>: cannot load 'standalone': the search path is empty");
}

// Regression (fuzzing, docs/FUZZING.md): set literals and export blocks were parsed by
// unbounded recursion, so 100000 opening braces overflowed the stack.
TEST(Errors, DeeplyNestedSetIsAnErrorNotAStackOverflow) {
  ScriptDir dir;
  const auto loaded = load_text(dir, "global a = " + std::string(100000, '{') + "\n");
  EXPECT_FALSE(loaded.program.is_ok());
  ASSERT_FALSE(loaded.errors.empty());
  EXPECT_EQ(loaded.errors[0], "main.bro:1:76: sets nested deeper than 64");
}

TEST(Errors, DeeplyNestedExportIsAnErrorNotAStackOverflow) {
  ScriptDir dir;
  std::string text;
  for (int i = 0; i < 100000; ++i)
    text += "export {\n";
  const auto loaded = load_text(dir, text);
  EXPECT_FALSE(loaded.program.is_ok());
  ASSERT_FALSE(loaded.errors.empty());
  EXPECT_EQ(loaded.errors[0], "main.bro:65:1: export blocks nested deeper than 64");
}

// Regression (fuzzing): "GLOBAL::GLOBAL::home" declared an id stored as "GLOBAL::home",
// which Globals::find (stripping one "GLOBAL::") could never reach.
TEST(Errors, IdWithTwoQualifiersIsAnError) {
  ScriptDir dir;
  const auto loaded = load_text(dir, "global GLOBAL::GLOBAL::home = [::1];\nredef A::B::c = 1;\n");
  EXPECT_THAT(loaded.errors,
              ElementsAre("main.bro:1:8: invalid identifier 'GLOBAL::GLOBAL::home': at most one "
                          "module qualifier",
                          "main.bro:2:7: invalid identifier 'A::B::c': at most one module "
                          "qualifier"));
}

}  // namespace
}  // namespace bc::node::script
