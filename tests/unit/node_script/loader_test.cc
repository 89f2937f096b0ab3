// Load order, @load resolution, Prefixes, duplicate loads, modules and site redefs.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/cluster_config.h"
#include "script_test_util.h"

namespace bc::node::script {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing_util::load;
using testing_util::load_text;
using testing_util::ScriptDir;

std::vector<std::string> relative_files(const Program& p, const ScriptDir& dir) {
  std::vector<std::string> out;
  for (const auto& f : p.files)
    out.push_back(f.substr(dir.path().size() + 1));
  return out;
}

TEST(Loader, LoadsDepthFirstAndEachFileOnce) {
  ScriptDir dir;
  dir.write("main.bro", "@load a\n@load b.bro\nglobal order = \"main\";\n");
  dir.write("a.bro", "@load c\nglobal in_a = 1;\n");
  dir.write("b.bro", "@load c\n@load a\n@load main\nglobal in_b = 2;\n");
  dir.write("c.bro", "global in_c = 3;\n");
  const auto loaded = load(dir, {"main", "c", "main.bro", dir.path() + "/a.bro"});
  ASSERT_TRUE(loaded.program.is_ok()) << ::testing::PrintToString(loaded.errors);
  EXPECT_THAT(relative_files(*loaded.program, dir),
              ElementsAre("main.bro", "a.bro", "c.bro", "b.bro"));
  EXPECT_THAT(loaded.program->globals.ids(), ElementsAre("in_a", "in_b", "in_c", "order"));
}

TEST(Loader, FilesAreAbsolutePaths) {
  ScriptDir dir;
  dir.write("sub/x.bro", "@load ../y\n");
  dir.write("y.bro", "");
  const auto loaded = load(dir, {"sub/x"});
  ASSERT_TRUE(loaded.program.is_ok()) << ::testing::PrintToString(loaded.errors);
  EXPECT_THAT(loaded.program->files, ElementsAre(dir.path() + "/sub/x.bro", dir.path() + "/y.bro"));
}

TEST(Loader, SearchPathOrderAndSpellings) {
  ScriptDir site, base;
  site.write("knobs.bro", "global from = \"site\";\n");
  base.write("knobs.bro", "global from = \"base\";\n");
  base.write("plain", "global plain = T;\n");  // a file without .bro
  base.write("pkg/__load__.bro", "@load ./inner\n");
  base.write("pkg/inner.bro", "global inner = T;\n");
  const auto loaded = load(site, {"knobs", "plain", "pkg"}, {}, {base.path()});
  ASSERT_TRUE(loaded.program.is_ok()) << ::testing::PrintToString(loaded.errors);
  EXPECT_EQ(loaded.program->globals.find("from")->as_string(), "site");
  EXPECT_TRUE(loaded.program->globals.find("plain")->as_bool());
  EXPECT_TRUE(loaded.program->globals.find("inner")->as_bool());
  EXPECT_THAT(loaded.program->files,
              ElementsAre(site.path() + "/knobs.bro", base.path() + "/plain",
                          base.path() + "/pkg/__load__.bro", base.path() + "/pkg/inner.bro"));
}

TEST(Loader, PrefixesLoadPrefixedScriptsAfterEachScript) {
  ScriptDir dir, other;
  dir.write("main.bro", "@load knobs\nredef limit = 2;\n");
  dir.write("knobs.bro", "const limit = 1 &redef;\nglobal seen: set[string] = {} &redef;\n");
  other.write("local.knobs.bro", "redef limit = 10;\nredef seen += \"local\";\n");
  dir.write("site.knobs.bro", "redef seen += { \"site\" };\n");
  dir.write("local.main.bro", "redef seen += { \"local-main\" };\n");
  dir.write("local.local.knobs.bro",
            "redef seen += { \"twice\" };\n");  // never a prefix of a prefix
  const auto loaded = load(dir, {"main"}, {"local", "site"}, {other.path()});
  ASSERT_TRUE(loaded.program.is_ok()) << ::testing::PrintToString(loaded.errors);
  EXPECT_THAT(loaded.program->files,
              ElementsAre(dir.path() + "/main.bro", dir.path() + "/knobs.bro",
                          other.path() + "/local.knobs.bro", dir.path() + "/site.knobs.bro",
                          dir.path() + "/local.main.bro"));
  // main.bro's redef ran after knobs' prefixed scripts: it wins.
  EXPECT_EQ(loaded.program->globals.find("limit")->print(), "2");
  EXPECT_EQ(loaded.program->globals.find("seen")->print(), "{\n\tlocal,\n\tlocal-main,\n\tsite\n}");
}

TEST(Loader, CyclesTerminate) {
  ScriptDir dir;
  dir.write("a.bro", "@load b\nglobal a = 1;\n");
  dir.write("b.bro", "@load a\nglobal b = a;\n");  // a is not declared yet: a.bro is mid-way
  const auto loaded = load(dir, {"a"});
  EXPECT_THAT(loaded.errors, ElementsAre("b.bro:2:12: unknown identifier 'a'"));
}

TEST(Loader, ModulesQualifyIdsPerFile) {
  ScriptDir dir;
  dir.write("main.bro",
            "global top = 1 &redef;\n"
            "module Scan;\n"
            "export { const limit = 5 &redef; }\n"
            "global GLOBAL::also_top = T;\n"
            "global Other::x = 1 &redef;\n"
            "@load other\n"
            "redef limit = 6;\n"  // still module Scan after the @load
            "redef top = 2;\n"    // falls back to GLOBAL
            "redef GLOBAL::top = 3;\n"
            "global copy = limit;\n");
  dir.write("other.bro", "redef Scan::limit = 7;\nredef Other::x = 2;\nglobal in_other = T;\n");
  const auto loaded = load(dir, {"main"});
  ASSERT_TRUE(loaded.program.is_ok()) << ::testing::PrintToString(loaded.errors);
  const Globals& g = loaded.program->globals;
  EXPECT_THAT(g.ids(),
              ElementsAre("Other::x", "Scan::copy", "Scan::limit", "also_top", "in_other", "top"));
  EXPECT_EQ(g.find("Scan::limit")->as_count(), 6u);
  EXPECT_EQ(g.find("Scan::copy")->as_count(), 6u);
  EXPECT_EQ(g.find("top")->as_count(), 3u);
  EXPECT_EQ(g.find("GLOBAL::top")->as_count(), 3u);
  EXPECT_EQ(g.find("Other::x")->as_count(), 2u);
  EXPECT_TRUE(g.is_const("Scan::limit"));
  EXPECT_TRUE(g.is_redef("Scan::limit"));
  EXPECT_FALSE(g.is_const("top"));
  EXPECT_FALSE(g.is_redef("also_top"));
  EXPECT_EQ(g.find("limit"), nullptr);
}

TEST(Loader, SetRedefsAddAndRemove) {
  ScriptDir dir;
  const auto loaded = load_text(dir,
                                "const ports: set[port] = { 22/tcp, 80/tcp } &redef;\n"
                                "redef ports += { 443/tcp, 80/tcp };\n"
                                "redef ports -= { 22/tcp, 8080/tcp };\n"
                                "redef ports -= 80/tcp;\n"
                                "const nums: set[double] = {} &redef;\n"
                                "redef nums += { 1, 2.5 };\n"
                                "redef nums += {};\n"
                                "global more: set[port] = { 22/tcp, 25/tcp };\n"
                                "redef ports += more;\n"
                                "redef ports -= 25/tcp;\n");
  ASSERT_TRUE(loaded.program.is_ok()) << ::testing::PrintToString(loaded.errors);
  EXPECT_EQ(loaded.program->globals.find("ports")->print(), "{\n\t22/tcp,\n\t443/tcp\n}");
  EXPECT_EQ(loaded.program->globals.find("nums")->print(), "{\n\t1.0,\n\t2.5\n}");
}

TEST(Loader, SitePolicyRedefinesDefaults) {
  ScriptDir policy, site;
  policy.write("scan.bro",
               "module Scan;\nexport {\n\tconst addr_scan_threshold: count = 25 &redef;\n"
               "\tconst scan_interval: interval = 5 min &redef;\n}\n");
  policy.write("cluster-worker.bro", "@load scan\n");
  site.write("local.bro",
             "redef Scan::addr_scan_threshold = 50;\nredef Scan::scan_interval = 90 secs;\n");
  site.write("local-worker.bro", "@load local\n");
  LoadOptions options{{site.path(), policy.path()}, {"local"}};
  std::vector<Diagnostic> errors;
  const auto program = load_scripts({"cluster-worker", "local-worker.bro"}, options, errors);
  ASSERT_TRUE(program.is_ok()) << program.status().message();
  EXPECT_EQ(program->globals.find("Scan::addr_scan_threshold")->as_count(), 50u);
  EXPECT_EQ(program->globals.find("Scan::scan_interval")->print(), "1.0 min 30.0 secs");
}

TEST(Loader, CommentsAndWhitespaceAnywhere) {
  ScriptDir dir;
  const auto loaded = load_text(dir,
                                "# header\n"
                                "const   x :count=1# trailing\n"
                                "  &redef ;   # after\n"
                                "redef x=\n  2\n;\n"
                                "global s = { # inside a set\n  \"a#b\",\n};\n");
  ASSERT_TRUE(loaded.program.is_ok()) << ::testing::PrintToString(loaded.errors);
  EXPECT_EQ(loaded.program->globals.find("x")->as_count(), 2u);
  EXPECT_EQ(loaded.program->globals.find("s")->print(), "{\n\ta#b\n}");
}

TEST(Loader, LoadOptionsFromClusterConfig) {
  config::ClusterConfig cfg;
  cfg.set("SitePolicyPath", "/site/a: /site/b ::/opt/policy");
  cfg.set("PolicyDir", "/opt/policy");
  cfg.set("Prefixes", "local:cluster site");
  const LoadOptions options = load_options_for(cfg);
  EXPECT_THAT(options.search_path, ElementsAre("/site/a", "/site/b", "/opt/policy"));
  EXPECT_THAT(options.prefixes, ElementsAre("local", "cluster", "site"));
  cfg.set("Prefixes", "");
  EXPECT_THAT(load_options_for(cfg).prefixes, IsEmpty());
}

TEST(Loader, GlobalsAssignChecksType) {
  ScriptDir dir;
  auto loaded = load_text(dir, "const nets: set[subnet] = {} &redef;\n");
  ASSERT_TRUE(loaded.program.is_ok());
  Globals& g = loaded.program.value().globals;
  EXPECT_TRUE(g.assign("nets", Value::set(Type::kSubnet, {Value::subnet("10.0.0.0/8")})).is_ok());
  EXPECT_EQ(g.find("nets")->print(), "{\n\t10.0.0.0/8\n}");
  EXPECT_EQ(g.assign("nets", Value::count(1)).message(),
            "type mismatch for 'nets': expected set[subnet], got count");
  EXPECT_EQ(g.assign("nope", Value::count(1)).message(), "unknown identifier 'nope'");
}

}  // namespace
}  // namespace bc::node::script
