// The security module's pieces on their own: key files and their modes, key lists and
// their errors, the command policy per role, the replay guard, keygen and revocation.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "common/file_util.h"
#include "security/command_policy.h"
#include "security/key_lists.h"
#include "security/key_pair.h"
#include "security/keygen.h"
#include "security/replay_guard.h"
#include "tests/support/run_process.h"

namespace bc::security {
namespace {

using test::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;

mode_t mode_of(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

config::ClusterConfig options_in(const TempDir& dir) {
  config::ClusterConfig o;
  o.set("BusSecurity", "curve");
  o.set("SpoolDir", dir.path() + "/spool");
  o.set("KeysDir", dir.path() + "/etc/keys");
  o.set("SecretKeyDir", dir.path() + "/etc/keys/secret");
  return o;
}

TEST(KeyPairFile, IsWrittenOwnerOnlyAndReadBack) {
  TempDir dir;
  auto pair = generate_key_pair();
  ASSERT_TRUE(pair.is_ok());
  const std::string path = dir.path() + "/secret/a.key";
  ASSERT_TRUE(write_secret_file(path, *pair).is_ok());
  EXPECT_EQ(mode_of(path), 0600u);
  EXPECT_EQ(mode_of(dir.path() + "/secret"), 0700u);
  auto back = read_secret_file(path);
  ASSERT_TRUE(back.is_ok()) << back.status().message();
  EXPECT_EQ(back->public_z85, pair->public_z85);
  EXPECT_EQ(back->secret_z85, pair->secret_z85);
  // Never replaced.
  EXPECT_FALSE(write_secret_file(path, *pair).is_ok());
}

TEST(KeyPairFile, ALooseModeIsRefusedNamingTheFile) {
  TempDir dir;
  auto pair = generate_key_pair();
  const std::string path = dir.path() + "/a.key";
  ASSERT_TRUE(write_secret_file(path, *pair).is_ok());
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  auto back = read_secret_file(path);
  ASSERT_FALSE(back.is_ok());
  EXPECT_EQ(back.status().code(), ErrorCode::kPermissionDenied);
  EXPECT_THAT(back.status().message(), HasSubstr(path));
  EXPECT_THAT(back.status().message(), HasSubstr("644"));
}

TEST(KeyPairFile, AMismatchedOrMalformedFileIsAnErrorThatNeverShowsTheSecret) {
  TempDir dir;
  auto a = generate_key_pair();
  auto b = generate_key_pair();
  dir.write("x.key", "public = " + a->public_z85 + "\nsecret = " + b->secret_z85 + "\n");
  ASSERT_EQ(::chmod((dir.path() + "/x.key").c_str(), 0600), 0);
  auto r = read_secret_file(dir.path() + "/x.key");
  ASSERT_FALSE(r.is_ok());
  EXPECT_THAT(r.status().message(), HasSubstr("does not belong"));
  dir.write("y.key", "secret = " + b->secret_z85.substr(0, 39) + "\n");
  ASSERT_EQ(::chmod((dir.path() + "/y.key").c_str(), 0600), 0);
  r = read_secret_file(dir.path() + "/y.key");
  ASSERT_FALSE(r.is_ok());
  EXPECT_THAT(r.status().message(), HasSubstr("y.key:1"));
  EXPECT_THAT(r.status().message(), Not(HasSubstr(b->secret_z85.substr(0, 39))));
}

TEST(KeyListsParse, NamesFileAndLineOfEveryMistake) {
  auto k = generate_key_pair();
  std::vector<KeyEntry> out;
  EXPECT_TRUE(KeyLists::parse("# comment\n\nalice " + k->public_z85 + "\n", Role::kAdmin, "f", out)
                  .is_ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].name, "alice");
  std::vector<KeyEntry> bad;
  auto s = KeyLists::parse("\nbob\n", Role::kAdmin, "f", bad);
  EXPECT_THAT(s.message(), HasSubstr("f:2:"));
  s = KeyLists::parse("../x " + k->public_z85 + "\n", Role::kAdmin, "f", bad);
  EXPECT_THAT(s.message(), HasSubstr("bad key name"));
  s = KeyLists::parse("bob notakey\n", Role::kAdmin, "f", bad);
  EXPECT_THAT(s.message(), HasSubstr("not a public key"));
  // One key, one role: the same key twice is an error, even under two names.
  std::vector<KeyEntry> twice = out;
  s = KeyLists::parse("carol " + k->public_z85 + "\n", Role::kMonitor, "g", twice);
  EXPECT_THAT(s.message(), HasSubstr("already listed"));
}

TEST(CommandPolicy, AdminMayAllMonitorOnlyReadsDaemonKeyOnlyWhatTheCollectorNeedsHostsNothing) {
  const Principal kAdmin = Principal::kAdmin, kMonitor = Principal::kMonitor,
                  kDaemon = Principal::kDaemon, kHost = Principal::kHost;
  for (const char* cmd : {"start", "stop", "exec", "install_begin", "node_control"}) {
    EXPECT_TRUE(command_allowed(Service::kSupervisor, kAdmin, cmd)) << cmd;
    EXPECT_FALSE(command_allowed(Service::kSupervisor, kMonitor, cmd)) << cmd;
  }
  EXPECT_TRUE(command_allowed(Service::kSupervisor, kMonitor, "status"));
  EXPECT_FALSE(command_allowed(Service::kSupervisor, kMonitor, "top"));
  EXPECT_TRUE(command_allowed(Service::kSupervisor, kDaemon, "start"));
  EXPECT_TRUE(command_allowed(Service::kSupervisor, kDaemon, "mark_failed"));
  EXPECT_TRUE(command_allowed(Service::kSupervisor, kDaemon, "crashes"));
  EXPECT_TRUE(command_allowed(Service::kSupervisor, kDaemon, "watch_crashes"));
  EXPECT_FALSE(command_allowed(Service::kSupervisor, kMonitor, "watch_crashes"));
  EXPECT_FALSE(command_allowed(Service::kSupervisor, kDaemon, "exec"));
  EXPECT_FALSE(command_allowed(Service::kSupervisor, kDaemon, "stop"));
  for (const char* cmd : {"ping", "status", "start", "mark_failed", "crashes", "watch_crashes"}) {
    EXPECT_FALSE(command_allowed(Service::kSupervisor, kHost, cmd)) << cmd;
    EXPECT_FALSE(command_allowed(Service::kCollector, kHost, cmd)) << cmd;
  }
  EXPECT_TRUE(command_allowed(Service::kCollector, kMonitor, "snapshot"));
  EXPECT_FALSE(command_allowed(Service::kCollector, kMonitor, "cron"));
  EXPECT_FALSE(command_allowed(Service::kCollector, kMonitor, "cron_disable"));
  EXPECT_TRUE(command_allowed(Service::kCollector, kAdmin, "cron_disable"));
}

TEST(CommandPolicy, TheSupervisorListHoldsHostKeysAndTheOneDaemonKey) {
  EXPECT_EQ(principal_of({"broker", "k", Role::kSupervisor}), Principal::kDaemon);
  EXPECT_EQ(principal_of({"host1", "k", Role::kSupervisor}), Principal::kHost);
  EXPECT_EQ(principal_of({"broker", "k", Role::kAdmin}), Principal::kAdmin);
  EXPECT_EQ(principal_of({"mon", "k", Role::kMonitor}), Principal::kMonitor);
}

TEST(Keygen, RefusesAHostNamedLikeTheDaemonOrAdminKey) {
  TempDir dir;
  const auto o = options_in(dir);
  for (const char* host : {"broker", "admin"}) {
    auto made = ensure_cluster_keys(o, {"host1", host});
    ASSERT_FALSE(made.is_ok()) << host;
    EXPECT_THAT(made.status().message(), HasSubstr("rename the host")) << host;
  }
}

TEST(ReplayGuard, RefusesARepeatedNonceAndAStaleOrFutureTimestamp) {
  ReplayGuard guard(std::chrono::seconds(60));
  const std::int64_t now = 1'800'000'000'000'000;
  EXPECT_TRUE(guard.check("k", "n1", now, now).is_ok());
  EXPECT_FALSE(guard.check("k", "n1", now, now + 1000).is_ok());  // replay
  EXPECT_TRUE(guard.check("other", "n1", now, now).is_ok());      // another key's nonce
  EXPECT_FALSE(guard.check("k", "n2", now - 61'000'000, now).is_ok());
  EXPECT_FALSE(guard.check("k", "n3", now + 61'000'000, now).is_ok());
  EXPECT_FALSE(guard.check("k", std::nullopt, now, now).is_ok());
  // Nonces are forgotten once their timestamps left the window.
  EXPECT_TRUE(guard.check("k", "n4", now + 120'000'000, now + 120'000'000).is_ok());
  EXPECT_EQ(guard.remembered(), 1u);
  EXPECT_NE(make_nonce(), make_nonce());
}

TEST(ReplayGuard, AFloodOfFreshNoncesStaysBoundedPerKeyAndInTotal) {
  // Issue 16: 900k pings with fresh 64-byte nonces from one monitor key grew the
  // supervisor by 440 MB. Each key keeps its newest per_key nonces, all keys `total`.
  ReplayGuard guard(std::chrono::seconds(60), ReplayLimits{.per_key = 100, .total = 250});
  const std::int64_t now = 1'800'000'000'000'000;
  auto nonce = [](int i) {
    std::string n = std::to_string(i);
    return n + std::string(64 - n.size(), 'x');
  };
  for (int i = 0; i < 100'000; ++i)
    ASSERT_TRUE(guard.check("monitor", nonce(i), now, now).is_ok());
  EXPECT_EQ(guard.remembered("monitor"), 100u);
  EXPECT_EQ(guard.shed(), 100'000u - 100u);
  // The newest are still refused as replays; the oldest were shed.
  EXPECT_FALSE(guard.check("monitor", nonce(99'999), now, now).is_ok());
  EXPECT_TRUE(guard.check("monitor", nonce(0), now, now).is_ok());
  // The flood does not push another key's nonces out: the largest holder sheds.
  ASSERT_TRUE(guard.check("admin", "a1", now, now).is_ok());
  for (int k = 0; k < 5; ++k)
    for (int i = 0; i < 100; ++i)
      ASSERT_TRUE(guard.check("host" + std::to_string(k), nonce(i), now, now).is_ok());
  EXPECT_LE(guard.remembered(), 250u);
  EXPECT_EQ(guard.remembered("admin"), 1u);
  EXPECT_FALSE(guard.check("admin", "a1", now, now).is_ok());
  // A nonce longer than the fixed maximum is refused, not stored.
  EXPECT_FALSE(guard.check("monitor", std::string(65, 'n'), now, now).is_ok());
}

TEST(Keygen, MakesTheMissingKeysOnceAndRevokesByName) {
  TempDir dir;
  const auto o = options_in(dir);
  EXPECT_FALSE(cluster_has_keys(o));
  auto made = ensure_cluster_keys(o, {"host1", "host2"});
  ASSERT_TRUE(made.is_ok()) << made.status().message();
  EXPECT_EQ(*made, (std::vector<std::string>{"host1", "host2", "broker", "admin", "web"}));
  EXPECT_TRUE(cluster_has_keys(o));
  EXPECT_EQ(mode_of(dir.path() + "/etc/keys/secret/admin.key"), 0600u);
  EXPECT_EQ(mode_of(dir.path() + "/etc/keys/secret"), 0700u);
  made = ensure_cluster_keys(o, {"host1", "host2", "host3"});
  ASSERT_TRUE(made.is_ok());
  EXPECT_EQ(*made, (std::vector<std::string>{"host3"}));
  ASSERT_TRUE(add_key(o, Role::kMonitor, "nagios").is_ok());
  EXPECT_FALSE(add_key(o, Role::kAdmin, "nagios").is_ok());
  EXPECT_FALSE(add_key(o, Role::kAdmin, "../evil").is_ok());
  auto lists = KeyLists::load(o.get("KeysDir"));
  ASSERT_TRUE(lists.is_ok());
  ASSERT_NE(lists->find_name("nagios"), nullptr);
  EXPECT_EQ(lists->find_name("nagios")->role, Role::kMonitor);

  ASSERT_TRUE(revoke_key(o, "nagios").is_ok());
  lists = KeyLists::load(o.get("KeysDir"));
  EXPECT_EQ(lists->find_name("nagios"), nullptr);
  EXPECT_NE(lists->find_name("host1"), nullptr);
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/etc/keys/secret/nagios.key"));
  EXPECT_EQ(revoke_key(o, "nagios").code(), ErrorCode::kNotFound);
}

TEST(KeyRingRefresh, PicksUpAChangedListAndKeepsTheOldOneWhenTheNewIsBroken) {
  TempDir dir;
  const auto o = options_in(dir);
  ASSERT_TRUE(ensure_cluster_keys(o, {"h"}).is_ok());
  KeyRing ring(o.get("KeysDir"));
  ASSERT_TRUE(ring.load().is_ok());
  ASSERT_NE(ring.lists().find_name("admin"), nullptr);
  ASSERT_TRUE(revoke_key(o, "admin").is_ok());
  EXPECT_TRUE(ring.refresh().is_ok());
  EXPECT_EQ(ring.lists().find_name("admin"), nullptr);
  ASSERT_TRUE(write_file_atomic(o.get("KeysDir") + "/monitor", "garbage\n").is_ok());
  EXPECT_FALSE(ring.refresh().is_ok());
  EXPECT_NE(ring.lists().find_name("h"), nullptr);  // the previous lists stay in force
}

}  // namespace
}  // namespace bc::security
