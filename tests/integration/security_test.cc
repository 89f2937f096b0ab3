// The encrypted bus from the outside, on a cluster of simulated hosts: who may connect and
// what each role may do (docs/SECURITY.md). Keys are made as a user makes them (keygen on
// the first host, etc/keys copied to the others, install for later changes).

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <zmq_addon.hpp>

#include "messages/codec.h"
#include "net/socket_factory.h"
#include "security/key_pair.h"
#include "tests/support/cluster_harness.h"

namespace bc::test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr Millis kWait{10000};

class Security : public ::testing::Test {
 protected:
  void SetUp() override {
    h1_ = &cluster_.add_host();
    h2_ = &cluster_.add_host();
    cluster_.add_node(*h1_, "manager", "manager");
    cluster_.add_node(*h1_, "proxy-1", "proxy");
    cluster_.add_node(*h2_, "worker-1", "worker");
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << cluster_.logs();
  }
  void start_all() {
    ASSERT_TRUE(cluster_.start().is_ok()) << cluster_.logs();
    auto r = cluster_.shell({"start"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    ASSERT_EQ(cluster_.node_pids("worker-1").size(), 1u);
    worker_pid_ = cluster_.node_pids("worker-1").front();
  }
  // The worker still runs as the same process: nothing reached it.
  void expect_worker_untouched() {
    const auto pids = cluster_.node_pids("worker-1");
    ASSERT_EQ(pids.size(), 1u);
    EXPECT_EQ(pids.front(), worker_pid_);
  }
  std::string secret_dir() const { return h1_->base() + "/etc/keys/secret"; }
  // A copy of a secret key file kept outside the BroBase (what its holder has).
  std::string keep_copy(const std::string& name) {
    const std::string copy = scratch_.path() + "/" + name + ".key";
    fs::copy_file(secret_dir() + "/" + name + ".key", copy);
    return copy;
  }

  SimCluster cluster_{[] {
    SimOptions o;
    o.comm_timeout = 1;
    // install checks the policy scripts: the standard ones.
    o.extra = {"PolicyDir = " + source_path("policy"),
               "SitePolicyPath = ${BroBase}/site:" + source_path("policy/local")};
    return o;
  }()};
  SimHost* h1_ = nullptr;
  SimHost* h2_ = nullptr;
  pid_t worker_pid_ = 0;
  TempDir scratch_;
};

TEST_F(Security, AnUnknownKeyOrNoKeyCannotStartStopOrExec) {
  start_all();
  // A well-formed key pair that no list has.
  auto stranger = security::generate_key_pair();
  ASSERT_TRUE(stranger.is_ok());
  const std::string file = scratch_.path() + "/stranger.key";
  ASSERT_TRUE(security::write_secret_file(file, *stranger).is_ok());
  const std::string marker = scratch_.path() + "/exec-ran";
  for (const std::vector<std::string>& cmd : {std::vector<std::string>{"stop", "worker-1"},
                                              {"start", "worker-1"},
                                              {"exec", "touch " + marker},
                                              {"tap"}}) {  // it waited silently for ever
    std::vector<std::string> args = {"--key", file};
    args.insert(args.end(), cmd.begin(), cmd.end());
    auto r = cluster_.shell(args);
    EXPECT_NE(r.exit_code, 0) << cmd[0] << ": " << r.out;
    EXPECT_THAT(r.err + r.out, HasSubstr("refused our key")) << cmd[0];
  }
  EXPECT_FALSE(fs::exists(marker));
  expect_worker_untouched();

  // No CURVE at all: the handshake fails, no request is read.
  zmq::context_t ctx;
  zmq::socket_t plain = net::make_socket(ctx, zmq::socket_type::dealer);
  plain.connect(cluster_.supervisor_endpoint(*h2_));
  msg::Request request;
  request.id = 7;
  request.cmd = "stop";
  request.ts = SystemClock().wall_us();
  request.nonce = "n";
  (void)plain.send(zmq::buffer(msg::encode(request)), zmq::send_flags::dontwait);
  zmq::pollitem_t item{plain.handle(), 0, ZMQ_POLLIN, 0};
  EXPECT_EQ(zmq::poll(&item, 1, Millis(1500)), 0);
  expect_worker_untouched();
}

TEST_F(Security, AMonitorKeyIsRefusedCommandsButMayTap) {
  start_all();
  auto r = cluster_.shell({"keygen", "monitor", "mon"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  r = cluster_.shell({"install"}, Millis(60000));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;

  const std::string marker = scratch_.path() + "/exec-ran";
  for (const std::vector<std::string>& cmd : {std::vector<std::string>{"stop", "worker-1"},
                                              {"restart", "worker-1"},
                                              {"exec", "touch " + marker}}) {
    std::vector<std::string> args = {"--key", "mon"};
    args.insert(args.end(), cmd.begin(), cmd.end());
    r = cluster_.shell(args);
    EXPECT_NE(r.exit_code, 0) << cmd[0] << ": " << r.out;
    EXPECT_THAT(r.err + r.out, HasSubstr("permission denied")) << cmd[0];
    EXPECT_THAT(r.err + r.out, HasSubstr("role monitor")) << cmd[0];
  }
  EXPECT_FALSE(fs::exists(marker));
  expect_worker_untouched();
  // A host's snapshot is what a monitor may read from a supervisor.
  r = cluster_.shell({"--key", "mon", "status"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("worker-1"));
  // The collector: a monitor may read (cron ?), not steer (cron disable).
  RunOptions run;
  run.timeout = Millis(20000);
  auto collector =
      run_process({build_path("collector/brocluster-collector"), "--base", h1_->base()}, run);
  ASSERT_EQ(collector.exit_code, 0) << collector.err;
  r = cluster_.shell({"--key", "mon", "cron", "disable"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("permission denied"));
  r = cluster_.shell({"--key", "mon", "cron", "?"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("cron is enabled"));

  // What a monitor is for: the event stream.
  auto tap = cluster_.shell_background({"--key", "mon", "tap", "hb."});
  // Subscribed to heartbeats only: any line is one.
  EXPECT_TRUE(tap->next_line([](const std::string&) { return true; }, kWait)) << tap->stderr_text();
}

TEST_F(Security, ARevokedAdminKeyStopsWorkingAfterInstallWithoutRestartingNodes) {
  start_all();
  auto r = cluster_.shell({"keygen", "admin", "ops2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(cluster_.shell({"install"}, Millis(60000)).exit_code, 0);
  const std::string held = keep_copy("ops2");
  r = cluster_.shell({"--key", held, "status"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;

  r = cluster_.shell({"keys", "revoke", "ops2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = cluster_.shell({"keys"});
  EXPECT_THAT(r.out, HasSubstr("ops2  (removed; still in force until install)"));
  // Not yet installed: still in force, as the manual's rule for every change.
  EXPECT_EQ(cluster_.shell({"--key", held, "status"}).exit_code, 0);

  r = cluster_.shell({"install"}, Millis(60000));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string marker = scratch_.path() + "/exec-ran";
  r = cluster_.shell({"--key", held, "exec", "touch " + marker});
  EXPECT_NE(r.exit_code, 0) << r.out;
  EXPECT_THAT(r.err, HasSubstr("refused our key"));
  r = cluster_.shell({"--key", held, "stop", "worker-1"});
  EXPECT_NE(r.exit_code, 0) << r.out;
  EXPECT_FALSE(fs::exists(marker));
  expect_worker_untouched();
  // The admin key still works, and the nodes kept running through it all.
  r = cluster_.shell({"status"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_F(Security, AReplayedOrStaleRequestIsRefused) {
  start_all();
  zmq::context_t ctx;
  zmq::socket_t dealer = net::make_socket(ctx, zmq::socket_type::dealer);
  ASSERT_TRUE(cluster_.security()->secure_client(dealer, h2_->name()).is_ok());
  dealer.connect(cluster_.supervisor_endpoint(*h2_));
  const auto ask = [&](const msg::Request& request) {
    (void)dealer.send(zmq::buffer(msg::encode(request)), zmq::send_flags::none);
    zmq::pollitem_t item{dealer.handle(), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, kWait) != 1) return msg::Reply{};
    zmq::message_t frame;
    (void)dealer.recv(frame);
    auto reply = msg::decode<msg::Reply>(frame.to_string_view());
    return reply.is_ok() ? *reply : msg::Reply{};
  };
  msg::Request request;
  request.id = 1;
  request.cmd = "ping";
  request.ts = SystemClock().wall_us();
  request.nonce = "0123456789abcdef";
  msg::Reply first = ask(request);
  EXPECT_TRUE(first.ok) << msg::to_json(msg::Value::empty_map());
  request.id = 2;  // the same request captured and sent again
  msg::Reply second = ask(request);
  EXPECT_FALSE(second.ok);
  ASSERT_TRUE(second.error.has_value());
  EXPECT_THAT(second.error->message, HasSubstr("replayed"));

  request.id = 3;
  request.nonce = "fedcba9876543210";
  request.ts = SystemClock().wall_us() - 600'000'000;  // ten minutes old
  msg::Reply stale = ask(request);
  EXPECT_FALSE(stale.ok);
  ASSERT_TRUE(stale.error.has_value());
  EXPECT_THAT(stale.error->message, HasSubstr("away from this host's clock"));
}

// tcpdump on the cluster's ports while the shell drives it: with CURVE no command, node
// name or output is readable; with BusSecurity = plain (the control) they are.
class SecurityCapture : public ::testing::TestWithParam<bool> {
 protected:
  void TearDown() override {
    if (HasFailure()) std::cerr << cluster_.logs();
  }
  SimCluster cluster_{[] {
    SimOptions o;
    o.comm_timeout = 2;
    if (!GetParam()) o.extra.push_back("BusSecurity = plain");
    return o;
  }()};
  TempDir scratch_;
};

TEST_P(SecurityCapture, ACaptureOfTheBusShowsNoCommandOrNodeNameUnlessPlain) {
  const bool encrypted = GetParam();
  SimHost& h1 = cluster_.add_host();
  SimHost& h2 = cluster_.add_host();
  cluster_.add_node(h1, "manager", "manager");
  cluster_.add_node(h1, "proxy-1", "proxy");
  cluster_.add_node(h2, "worker-zebra", "worker");
  ASSERT_TRUE(cluster_.start().is_ok());
  const std::string endpoint = cluster_.supervisor_endpoint(h2);
  const int supervisor_port = std::stoi(endpoint.substr(endpoint.rfind(':') + 1));
  const int first = supervisor_port - 2;  // BrokerPub, BrokerSub, Supervisor, Collector
  const std::string pcap = scratch_.path() + "/bus.pcap";
  BackgroundProcess dump({"/usr/bin/tcpdump", "-Z", "root", "--immediate-mode", "-i", "lo", "-U",
                          "-n", "-w", pcap, "tcp", "portrange",
                          std::to_string(first) + "-" + std::to_string(first + 3)});
  // tcpdump says so on stderr once it captures.
  ASSERT_TRUE(poll_until(
      [&] { return dump.stderr_text().find("listening") != std::string::npos || dump.exited(); },
      kWait))
      << "tcpdump did not start (is it installed? scripts/deps.sh installs it)";
  ASSERT_FALSE(dump.exited()) << dump.stderr_text();
  auto r = cluster_.shell({"start"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // Plain only when asked for, and then said at every start.
  if (encrypted) {
    EXPECT_THAT(r.err, Not(HasSubstr("BusSecurity = plain")));
  } else {
    EXPECT_THAT(r.err, HasSubstr("Warning: BusSecurity = plain: the bus is neither "
                                 "authenticated nor encrypted"));
  }
  r = cluster_.shell({"exec", "echo", "secret-marker-output"});
  EXPECT_THAT(r.out, HasSubstr("secret-marker-output"));
  r = cluster_.shell({"status"});
  EXPECT_THAT(r.out, HasSubstr("worker-zebra"));
  r = cluster_.shell({"stop"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  dump.send_signal(SIGINT);
  EXPECT_EQ(dump.wait_exit(kWait), 0) << dump.stderr_text();

  const std::string bytes = file_text(pcap);
  ASSERT_GT(bytes.size(), 4000u) << "the capture saw no bus traffic: " << dump.stderr_text();
  for (const char* plaintext : {"worker-zebra", "secret-marker-output", "proxy-1"}) {
    if (encrypted) {
      EXPECT_EQ(bytes.find(plaintext), std::string::npos) << plaintext << " is readable";
    } else {
      EXPECT_NE(bytes.find(plaintext), std::string::npos) << plaintext << " not seen in plain";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(CurveAndPlain, SecurityCapture, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "Curve" : "Plain"; });

bool world_writable(const fs::path& p) {
  struct stat st {};
  if (::lstat(p.c_str(), &st) != 0 || S_ISLNK(st.st_mode) || S_ISSOCK(st.st_mode)) return false;
  return (st.st_mode & S_IWOTH) != 0;
}

TEST_F(Security, NothingIsWorldWritableAndSecretsStayInTheirFiles) {
  start_all();
  ASSERT_EQ(cluster_.shell({"install"}, Millis(60000)).exit_code, 0);
  std::vector<std::string> secrets;
  for (const auto& e : fs::directory_iterator(secret_dir())) {
    struct stat st {};
    ASSERT_EQ(::stat(e.path().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u) << e.path();
    auto pair = security::read_secret_file(e.path());
    ASSERT_TRUE(pair.is_ok()) << pair.status().message();
    secrets.push_back(pair->secret_z85);
  }
  ASSERT_GE(secrets.size(), 4u);  // two hosts, broker, admin
  struct stat dir_st {};
  ASSERT_EQ(::stat(secret_dir().c_str(), &dir_st), 0);
  EXPECT_EQ(dir_st.st_mode & 0777, 0700u);

  // The BroBases: spool, logs, installed snapshots, keys.
  auto config = cluster_.shell({"config"});
  auto tap = cluster_.shell_background({"tap", "--json"});
  ASSERT_TRUE(tap->next_line([](const std::string&) { return true; }, kWait));
  for (SimHost* h : {h1_, h2_}) {
    for (auto it = fs::recursive_directory_iterator(h->base()); it != fs::end(it); ++it) {
      EXPECT_FALSE(world_writable(it->path())) << it->path();
      if (!it->is_regular_file() || it->path().parent_path().filename() == "secret") continue;
      const std::string text = file_text(it->path().string());
      for (const std::string& s : secrets) {
        EXPECT_EQ(text.find(s), std::string::npos) << "a secret key is in " << it->path();
      }
    }
  }
  for (const std::string& s : secrets) {
    EXPECT_EQ(config.out.find(s), std::string::npos) << "config shows a secret key";
    EXPECT_EQ(tap->stdout_text().find(s), std::string::npos) << "the event stream carries one";
  }

  // The installed binaries (cmake --install, as the README's set-up does).
  const std::string prefix = scratch_.path() + "/prefix";
  RunOptions run;
  run.timeout = Millis(120000);
  auto installed =
      run_process({"/usr/bin/cmake", "--install", build_path(""), "--prefix", prefix}, run);
  ASSERT_EQ(installed.exit_code, 0) << installed.err;
  std::size_t files = 0;
  for (auto it = fs::recursive_directory_iterator(prefix); it != fs::end(it); ++it) {
    EXPECT_FALSE(world_writable(it->path())) << it->path();
    ++files;
  }
  EXPECT_GT(files, 10u);
}

}  // namespace
}  // namespace bc::test
