// What an installation gives the user (issue 18, point 5): `cmake --install` into a fresh
// prefix puts every file the docs promise where they say, the systemd units name that
// prefix and pass `systemd-analyze verify`, and `keygen` leaves for each host a key bundle
// that holds no other host's or the admin's secret (docs/INSTALL.md, docs/SECURITY.md).

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <set>

#include "security/key_pair.h"
#include "tests/support/json_reader.h"
#include "tests/support/processes.h"
#include "tests/support/run_process.h"

namespace bc::test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

const char* const kUnitDir = "share/brocluster/systemd";
const std::vector<std::string> kUnits = {
    "brocluster-broker.service", "brocluster-collector.service", "brocluster-supervisor.service",
    "brocluster-supervisor@.service", "brocluster-web.service"};

// One install per test suite: it copies every executable and takes seconds.
class InstallLayout : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scratch_ = new TempDir("brocluster-install.");
    RunOptions run;
    run.timeout = std::chrono::seconds(120);
    auto r =
        run_process({BC_CMAKE_COMMAND, "--install", build_path(""), "--prefix", prefix()}, run);
    install_output_ = new std::string(r.out + r.err);
    installed_ = r.exit_code == 0;
  }
  static void TearDownTestSuite() {
    delete scratch_;
    delete install_output_;
  }
  void SetUp() override { ASSERT_TRUE(installed_) << *install_output_; }
  static std::string prefix() { return scratch_->path() + "/prefix"; }
  static std::string unit(const std::string& name) {
    return prefix() + "/" + kUnitDir + "/" + name;
  }

  static inline TempDir* scratch_ = nullptr;
  static inline std::string* install_output_ = nullptr;
  static inline bool installed_ = false;
};

TEST_F(InstallLayout, EveryPathTheDocsPromiseExists) {
  const std::vector<std::string> promised = {
      // README: executables in bin/, sample configuration in etc/.
      "bin/brocluster", "bin/brocluster-broker", "bin/brocluster-supervisor",
      "bin/brocluster-collector", "bin/brocluster-node", "bin/brocluster-trace-summary",
      "bin/brocluster-web", "etc/cluster.cfg", "etc/node.cfg", "etc/networks.cfg",
      "etc/analysis.dat",
      // CONFIG.md: PolicyDir and the first SitePolicyPath dir with its samples.
      "policy", "policy/local/local.bro",
      // The docs, and PROTOCOL.md's monitor client in the docdir's examples/.
      "share/doc/BroCluster/README.md", "share/doc/BroCluster/INSTALL.md",
      "share/doc/BroCluster/SECURITY.md", "share/doc/BroCluster/PROTOCOL.md",
      "share/doc/BroCluster/examples/monitor.py"};
  for (const std::string& p : promised) {
    EXPECT_TRUE(fs::exists(prefix() + "/" + p)) << p << " is not installed";
  }
  EXPECT_EQ(::access((prefix() + "/share/doc/BroCluster/examples/monitor.py").c_str(), X_OK), 0);
  for (const std::string& u : kUnits)
    EXPECT_TRUE(fs::exists(unit(u))) << u;
}

TEST_F(InstallLayout, UnitsNameTheInstallPrefix) {
  for (const std::string& u : kUnits) {
    const std::string text = file_text(unit(u));
    const std::string daemon = u.find("supervisor") != std::string::npos  ? "brocluster-supervisor"
                               : u.find("collector") != std::string::npos ? "brocluster-collector"
                               : u.find("web") != std::string::npos       ? "brocluster-web"
                                                                          : "brocluster-broker";
    EXPECT_THAT(text, HasSubstr("ExecStart=\"" + prefix() + "/bin/" + daemon + "\" --base \"" +
                                prefix() + "\""))
        << u;
    EXPECT_THAT(text, Not(HasSubstr("/opt/brocluster"))) << u;
    EXPECT_THAT(text, HasSubstr("LimitNOFILE=65536")) << u;
    EXPECT_THAT(text, Not(HasSubstr("@BROBASE"))) << u;
  }
  EXPECT_THAT(file_text(unit("brocluster-supervisor@.service")), HasSubstr("--host %i "));
  EXPECT_THAT(file_text(unit("brocluster-supervisor.service")), Not(HasSubstr("--host")));
  EXPECT_THAT(file_text(unit("brocluster-supervisor.service")), HasSubstr("KillMode=process"));
}

TEST_F(InstallLayout, UnitsPassSystemdAnalyzeVerify) {
  const std::string tool = "/usr/bin/systemd-analyze";
  if (::access(tool.c_str(), X_OK) != 0) {
    GTEST_SKIP() << tool << " missing: install Debian's systemd package (scripts/deps.sh does)";
  }
  // The template is verified as the instance a multi-host site runs.
  TempDir instances;
  fs::copy_file(unit("brocluster-supervisor@.service"),
                instances / "brocluster-supervisor@host-2.service");
  std::vector<std::string> files = {instances / "brocluster-supervisor@host-2.service"};
  for (const std::string& u : kUnits) {
    if (u.find('@') == std::string::npos) files.push_back(unit(u));
  }
  for (const std::string& f : files) {
    auto r = run_process({tool, "verify", f});
    EXPECT_EQ(r.exit_code, 0) << f << ":\n" << r.out << r.err;
    EXPECT_THAT(r.err, Not(HasSubstr("not executable"))) << f;
  }
}

// keygen on the manager of a three-host cluster.
class HostKeyBundles : public ::testing::Test {
 protected:
  void SetUp() override {
    base_.write("etc/cluster.cfg", "");
    base_.write("etc/node.cfg",
                "[manager]\ntype=manager\nhost=127.0.0.1\n"
                "[proxy-1]\ntype=proxy\nhost=127.0.0.1\n"
                "[worker-1]\ntype=worker\nhost=127.0.0.2\ninterface=lo\n"
                "[worker-2]\ntype=worker\nhost=127.0.0.3\ninterface=lo\n");
  }
  ProcessResult shell(const std::vector<std::string>& args) {
    return run_process(shell_argv_for(base_.path(), args));
  }
  std::string keys() const { return base_.path() + "/etc/keys"; }
  std::string secret_of(const std::string& name) const {
    auto pair = security::read_secret_file(keys() + "/secret/" + name + ".key");
    EXPECT_TRUE(pair.is_ok()) << name;
    return pair.is_ok() ? pair->secret_z85 : std::string("?");
  }
  // The names of the secret key files of a bundle.
  std::set<std::string> bundle_secrets(const std::string& host) const {
    std::set<std::string> out;
    for (const auto& e : fs::directory_iterator(keys() + "/hosts/" + host + "/secret"))
      out.insert(e.path().filename().string());
    return out;
  }
  TempDir base_;
};

TEST_F(HostKeyBundles, EachBundleHoldsTheListsAndOnlyThatHostsSecret) {
  auto r = shell({"keygen"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(keys() + "/hosts/<host>/"));
  const std::vector<std::string> hosts = {"127.0.0.1", "127.0.0.2", "127.0.0.3"};
  const std::vector<std::string> all = {"127.0.0.1", "127.0.0.2", "127.0.0.3",
                                        "broker",    "admin",     "web"};
  struct stat st {};
  ASSERT_EQ(::stat((keys() + "/hosts").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u) << "hosts/ holds secrets";
  for (const std::string& host : hosts) {
    const std::string dir = keys() + "/hosts/" + host;
    for (const char* list : {"supervisor", "admin"}) {
      EXPECT_EQ(file_text(dir + "/" + list), file_text(keys() + "/" + list)) << host << " " << list;
    }
    // The manager's host runs the broker, the collector and brocluster-web: it gets their
    // keys too.
    std::set<std::string> expected = {host + ".key"};
    if (host == "127.0.0.1") expected.insert({"broker.key", "web.key"});
    EXPECT_EQ(bundle_secrets(host), expected) << host;
    EXPECT_EQ(file_text(dir + "/secret/" + host + ".key"),
              file_text(keys() + "/secret/" + host + ".key"));
    ASSERT_EQ(::stat((dir + "/secret/" + host + ".key").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    // No other secret anywhere in the bundle.
    for (const std::string& other : all) {
      if (expected.count(other + ".key") != 0) continue;
      const std::string secret = secret_of(other);
      for (auto it = fs::recursive_directory_iterator(dir); it != fs::end(it); ++it) {
        if (!it->is_regular_file()) continue;
        EXPECT_THAT(file_text(it->path().string()), Not(HasSubstr(secret)))
            << "the secret of " << other << " is in " << it->path();
      }
    }
  }

  // --json names every bundle.
  r = shell({"--json", "keygen"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto doc = Json::parse(r.out);
  ASSERT_TRUE(doc.has_value()) << r.out;
  EXPECT_EQ((*doc)["host_bundles"].size(), 3u) << r.out;
  EXPECT_EQ((*doc)["host_bundles"]["127.0.0.2"].str(), keys() + "/hosts/127.0.0.2");

  // A new tap key reaches every bundle's lists; a revoked host's bundle goes.
  ASSERT_EQ(shell({"keygen", "monitor", "tap1"}).exit_code, 0);
  EXPECT_THAT(file_text(keys() + "/hosts/127.0.0.2/monitor"), HasSubstr("tap1 "));
  ASSERT_EQ(shell({"keys", "revoke", "127.0.0.3"}).exit_code, 0);
  EXPECT_FALSE(fs::exists(keys() + "/hosts/127.0.0.3"));
  EXPECT_THAT(file_text(keys() + "/hosts/127.0.0.2/supervisor"), Not(HasSubstr("127.0.0.3 ")));
}

}  // namespace
}  // namespace bc::test
