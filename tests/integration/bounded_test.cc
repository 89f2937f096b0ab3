// Issue 16, points 3-5, from the outside: what a key holder (here a monitor key) or an
// unauthenticated peer can make a supervisor spend (log space, descriptors), and what a
// node program or a careless mode can make it leak (secrets in installed files, the
// target of a symlink planted in a node's dir). See docs/SECURITY.md.

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "messages/codec.h"
#include "net/socket_factory.h"
#include "security/replay_guard.h"
#include "tests/support/bus_keys.h"
#include "tests/support/cluster_harness.h"

namespace bc::test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr Millis kWait{10000};

mode_t mode_of(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return 07777;
  return st.st_mode & 07777;
}

class Bounded : public ::testing::Test {
 protected:
  void TearDown() override {
    if (HasFailure()) std::cerr << cluster_.logs();
  }
  // One host with a node, and a monitor key "mon" that its supervisor knows.
  // One host with the standard nodes, worker-1 running, and an empty directory outside the
  // BroBase for a link to point at.
  void start_worker_beside_outside_dir() {
    h1_ = &cluster_.add_host();
    cluster_.add_standard_nodes(*h1_, 1);
    const Status s = cluster_.start();
    ASSERT_TRUE(s.is_ok()) << s.message() << cluster_.logs();
    const auto r = cluster_.shell({"start", "worker-1"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    ASSERT_EQ(cluster_.node_pids("worker-1").size(), 1u);
    outside_ = scratch_.path() + "/outside";
    fs::create_directories(outside_);
  }
  void start_with_monitor_key() {
    SimHost& h1 = cluster_.add_host();
    cluster_.add_standard_nodes(h1, 1);
    const Status s = cluster_.start();
    ASSERT_TRUE(s.is_ok()) << s.message() << cluster_.logs();
    const auto keygen = cluster_.shell({"keygen", "monitor", "mon"});
    ASSERT_EQ(keygen.exit_code, 0) << keygen.out << keygen.err;
    // Supervisors take keys from installs.
    const auto install = cluster_.shell({"install"}, Millis(60000));
    ASSERT_EQ(install.exit_code, 0) << install.out << install.err;
  }
  SimCluster cluster_{[] {
    SimOptions o;
    o.comm_timeout = 3;
    o.extra = {"PolicyDir = " + source_path("policy"),
               "SitePolicyPath = ${BroBase}/site:" + source_path("policy/local")};
    return o;
  }()};
  TempDir scratch_;
  SimHost* h1_ = nullptr;
  std::string outside_;
};

// The issue: a monitor key's request whose command name is 8 MiB was logged twice in
// full; seven of them rotated all of supervisor.log's history away.
TEST_F(Bounded, HugeCommandNamesFromAMonitorKeyLeaveTheLogBoundedAndItsHistoryIntact) {
  ASSERT_NO_FATAL_FAILURE(start_with_monitor_key());
  SimHost& h1 = cluster_.host(0);
  const std::string log = h1.spool() + "/supervisor.log";
  const std::string history = file_text(log);
  ASSERT_FALSE(history.empty());
  const std::string first_line = history.substr(0, history.find('\n'));

  auto mon = admin_security(h1.base(), "mon");
  zmq::context_t ctx;
  zmq::socket_t dealer = net::make_socket(ctx, zmq::socket_type::dealer);
  ASSERT_TRUE(mon->secure_client(dealer, h1.name()).is_ok());
  dealer.connect(cluster_.supervisor_endpoint(h1));
  for (int i = 0; i < 8; ++i) {
    msg::Request request;
    request.id = static_cast<std::uint64_t>(i + 1);
    request.cmd = std::string(8u << 20, static_cast<char>('a' + i));
    request.ts = SystemClock().wall_us();
    request.nonce = security::make_nonce();
    (void)dealer.send(zmq::buffer(msg::encode(request)), zmq::send_flags::none);
    zmq::pollitem_t item{dealer.handle(), 0, ZMQ_POLLIN, 0};
    ASSERT_EQ(zmq::poll(&item, 1, kWait), 1) << "no reply to request " << i;
    zmq::message_t frame;
    (void)dealer.recv(frame);
    auto reply = msg::decode<msg::Reply>(frame.to_string_view());
    ASSERT_TRUE(reply.is_ok());
    EXPECT_FALSE(reply->ok);
    ASSERT_TRUE(reply->error.has_value());
    EXPECT_LT(reply->error->message.size(), 400u) << "the reply echoes the name uncapped";
  }
  // A short name that would forge a log line of its own is escaped.
  msg::Request forged;
  forged.id = 100;
  forged.cmd = "stop\n2026-01-01T00:00:00.000 supervisor[1] info: forged";
  forged.ts = SystemClock().wall_us();
  forged.nonce = security::make_nonce();
  (void)dealer.send(zmq::buffer(msg::encode(forged)), zmq::send_flags::none);
  zmq::pollitem_t item{dealer.handle(), 0, ZMQ_POLLIN, 0};
  ASSERT_EQ(zmq::poll(&item, 1, kWait), 1);
  zmq::message_t frame;
  (void)dealer.recv(frame);
  // The supervisor still serves, its log kept its first line and grew by little.
  const auto r = cluster_.shell({"status"});
  EXPECT_THAT(r.out, HasSubstr("worker-1")) << r.err;
  EXPECT_THAT(r.out + r.err, Not(HasSubstr("unreachable")));
  const std::string after = file_text(log);
  EXPECT_EQ(after.substr(0, after.find('\n')), first_line);
  EXPECT_LT(after.size(), history.size() + 64 * 1024) << "the log grew by " << after.size();
  EXPECT_THAT(after, HasSubstr("at most 64"));
  EXPECT_THAT(after, HasSubstr("refused 'stop\\x0a2026-01-01"));
  EXPECT_THAT(after, Not(HasSubstr("\n2026-01-01T00:00:00.000 supervisor[1] info: forged")));
}

std::int64_t rss_kb(pid_t pid) {
  const std::string status = file_text("/proc/" + std::to_string(pid) + "/status");
  const auto at = status.find("VmRSS:");
  return at == std::string::npos ? -1 : std::stoll(status.substr(at + 6));
}

// The issue: 900k pings with fresh 64-byte nonces from a monitor key grew the supervisor
// from 51 MB to 495 MB (about 490 bytes a nonce), never given back.
TEST_F(Bounded, ANonceFloodFromAMonitorKeyLeavesTheSupervisorsMemoryBounded) {
  ASSERT_NO_FATAL_FAILURE(start_with_monitor_key());
  SimHost& h1 = cluster_.host(0);
  auto mon = admin_security(h1.base(), "mon");
  zmq::context_t ctx;
  zmq::socket_t dealer = net::make_socket(ctx, zmq::socket_type::dealer);
  ASSERT_TRUE(mon->secure_client(dealer, h1.name()).is_ok());
  dealer.connect(cluster_.supervisor_endpoint(h1));
  constexpr int kPings = 200'000;
  int answered = 0;
  int ok = 0;
  const auto receive = [&](Millis wait) {
    zmq::pollitem_t item{dealer.handle(), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, wait) != 1) return false;
    zmq::message_t frame;
    while (dealer.recv(frame, zmq::recv_flags::dontwait)) {
      ++answered;
      auto reply = msg::decode<msg::Reply>(frame.to_string_view());
      if (reply.is_ok() && reply->ok) ++ok;
    }
    return true;
  };
  // One ping first, so that the baseline includes the connection's own memory.
  msg::Request ping;
  ping.cmd = "ping";
  const auto send_ping = [&](int i) {
    ping.id = static_cast<std::uint64_t>(i + 1);
    ping.ts = SystemClock().wall_us();
    ping.nonce = security::make_nonce() + security::make_nonce();  // 64 bytes, fresh
    (void)dealer.send(zmq::buffer(msg::encode(ping)), zmq::send_flags::none);
  };
  send_ping(0);
  ASSERT_TRUE(receive(kWait));
  const std::int64_t before = rss_kb(h1.supervisor_pid());
  for (int i = 1; i < kPings; ++i) {
    send_ping(i);
    while (i + 1 - answered >= 500)
      ASSERT_TRUE(receive(kWait)) << "no reply after " << answered;
  }
  while (answered < kPings)
    ASSERT_TRUE(receive(kWait)) << "no reply after " << answered;
  EXPECT_EQ(ok, kPings);
  const std::int64_t after = rss_kb(h1.supervisor_pid());
#if defined(__SANITIZE_ADDRESS__)
  // ASan keeps freed memory in its quarantine (256 MB by default): RSS says nothing of the
  // store there. The normal build asserts it; ReplayGuard's unit tests count the store.
  (void)before;
  (void)after;
#else
  // Unbounded, 200k nonces cost about 95 MB; the bounded store holds 4096 of this key's.
  EXPECT_LT(after - before, 30 * 1024) << "RSS " << before << " kB -> " << after << " kB";
#endif
}

// The issue: with the shipped units' soft limit of 1024, ~1000 idle connections without a
// key left `status` unanswered. The daemons raise their soft limit to the hard one.
TEST_F(Bounded, AThousandIdleKeylessConnectionsAtASoftLimitOf1024DoNotDelayStatus) {
  SimHost& h1 = cluster_.add_host();
  cluster_.add_standard_nodes(h1, 1);
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
  if (saved.rlim_max < 4096) GTEST_SKIP() << "hard RLIMIT_NOFILE below 4096";
  // The daemons start with soft 1024 (what they inherit), the test keeps its own room.
  rlimit low = saved;
  low.rlim_cur = 1024;
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);
  const Status started = cluster_.start();
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &saved), 0);
  ASSERT_TRUE(started.is_ok()) << started.message() << cluster_.logs();
  EXPECT_THAT(file_text(h1.spool() + "/supervisor.log"),
              HasSubstr("open files: soft limit raised from 1024"));
  auto started_nodes = cluster_.shell({"start"});
  ASSERT_EQ(started_nodes.exit_code, 0) << started_nodes.out << started_nodes.err;

  const std::string endpoint = cluster_.supervisor_endpoint(h1);  // tcp://addr:port
  const auto colon = endpoint.rfind(':');
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(std::stoi(endpoint.substr(colon + 1))));
  ASSERT_EQ(::inet_pton(AF_INET, endpoint.substr(6, colon - 6).c_str(), &addr.sin_addr), 1);
  std::vector<int> idle;
  for (int i = 0; i < 1000; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    idle.push_back(fd);
    ASSERT_EQ(::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0);
  }
  // Every one accepted by the supervisor (each holds a descriptor there) before asking.
  const pid_t sup = h1.supervisor_pid();
  const auto open_fds = [sup] {
    std::error_code ec;
    auto it = fs::directory_iterator("/proc/" + std::to_string(sup) + "/fd", ec);
    return static_cast<int>(std::distance(it, fs::directory_iterator()));
  };
  EXPECT_TRUE(poll_until([&] { return open_fds() > 1000; }, kWait)) << open_fds();
  for (int probe = 0; probe < 3; ++probe) {
    const auto t0 = std::chrono::steady_clock::now();
    auto r = cluster_.shell({"status"}, Millis(20000));
    const auto took = std::chrono::steady_clock::now() - t0;
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("worker-1"));
    EXPECT_LT(took, std::chrono::seconds(3)) << "probe " << probe;
  }
  for (int fd : idle)
    ::close(fd);
}

// The issue: install copied a chmod 600 cluster.cfg as 0644 to every host and kept it so
// in every older version; spool/<node>/.env_vars was 0644.
TEST_F(Bounded, AnInstalledPrivateClusterCfgStaysUnreadableToOtherUsers) {
  SimHost& h1 = cluster_.add_host();
  SimHost& h2 = cluster_.add_host();
  cluster_.add_node(h1, "manager", "manager");
  cluster_.add_node(h1, "proxy-1", "proxy");
  cluster_.add_node(h2, "worker-1", "worker", {"env_vars = API_TOKEN=s3cr3t"});
  {
    const Status s = cluster_.start();
    ASSERT_TRUE(s.is_ok()) << s.message() << cluster_.logs();
  }
  auto r = cluster_.shell({"install"}, Millis(60000));  // an older version, as today's 0644
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string cfg = h1.base() + "/etc/cluster.cfg";
  { std::ofstream(cfg, std::ios::app) << "CFlowPassword = hunter2\n"; }
  ASSERT_EQ(::chmod(cfg.c_str(), 0644), 0);
  r = cluster_.shell({"check"}, Millis(60000));
  EXPECT_THAT(r.err, HasSubstr("CFlowPassword looks like a password")) << r.out << r.err;
  EXPECT_THAT(r.out + r.err, Not(HasSubstr("hunter2")));
  ASSERT_EQ(::chmod(cfg.c_str(), 0600), 0);
  ASSERT_EQ(::chmod((h1.base() + "/etc/node.cfg").c_str(), 0640), 0);  // its API_TOKEN
  r = cluster_.shell({"check"}, Millis(60000));
  EXPECT_THAT(r.err, Not(HasSubstr("looks like a password")));
  r = cluster_.shell({"install"}, Millis(60000));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const SimHost* h : {&h1, &h2}) {
    const std::string root = h->spool() + "/installed";
    EXPECT_EQ(mode_of(root + "/current/etc/cluster.cfg"), 0600u) << h->name();
    EXPECT_EQ(mode_of(root + "/current/etc/node.cfg") & 0007, 0u) << h->name();
    const std::string current = fs::read_symlink(root + "/current").filename();
    int older = 0;
    for (const auto& e : fs::directory_iterator(root)) {
      if (!e.is_directory() || e.is_symlink() || e.path().filename() == current) continue;
      if (e.path().filename().string().rfind(".staging", 0) == 0) continue;
      ++older;
      EXPECT_EQ(mode_of(e.path().string()), 0700u) << e.path();
    }
    EXPECT_GE(older, 1) << h->name();
  }
  r = cluster_.shell({"start"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(mode_of(h2.node_dir("worker-1") + "/.env_vars"), 0600u);
  // Another local user cannot read it (when this runs as root and runuser exists).
  if (::geteuid() == 0 && fs::exists("/usr/sbin/runuser")) {
    const std::string copy = h2.spool() + "/installed/current/etc/cluster.cfg";
    // Reach the file: let everyone through the directories, as a real BroBase may.
    for (fs::path p = copy; p.has_parent_path() && p != p.parent_path();) {
      p = p.parent_path();
      if (p == "/" || p == "/tmp") break;
      fs::permissions(p, fs::perms::others_exec, fs::perm_options::add);
    }
    ProcessResult read = run_process({"/usr/sbin/runuser", "-u", "nobody", "--", "cat", copy});
    EXPECT_NE(read.exit_code, 0);
    EXPECT_THAT(read.out, Not(HasSubstr("hunter2")));
  }
}

// The issue: a symlink at spool/<node>/stderr.log was followed for writing, and its
// target's content went out in the crash event and mail.
TEST_F(Bounded, ASymlinkedStderrLogIsRefusedWithAClearError) {
  SimHost& h1 = cluster_.add_host();
  cluster_.add_standard_nodes(h1, 1);
  {
    const Status s = cluster_.start();
    ASSERT_TRUE(s.is_ok()) << s.message() << cluster_.logs();
  }
  const std::string target = scratch_.path() + "/target";
  { std::ofstream(target) << "NOT FOR THE SUPERVISOR\n"; }
  fs::create_directories(h1.node_dir("worker-1"));
  fs::create_symlink(target, h1.node_dir("worker-1") + "/stderr.log");
  auto r = cluster_.shell({"start", "worker-1"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.out + r.err, HasSubstr("worker-1"));
  EXPECT_THAT(r.out + r.err, HasSubstr("stderr.log"));
  EXPECT_THAT(r.out + r.err, HasSubstr("symbolic link")) << r.out << r.err;
  EXPECT_EQ(file_text(target), "NOT FOR THE SUPERVISOR\n");
  EXPECT_TRUE(cluster_.node_pids("worker-1").empty());

  // A node that plants the link while it runs, then crashes: the crash record (and so the
  // crash event and mail, made from it) carries nothing of the target.
  fs::remove(h1.node_dir("worker-1") + "/stderr.log");
  r = cluster_.shell({"start", "worker-1"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  ASSERT_EQ(cluster_.node_pids("worker-1").size(), 1u);
  fs::remove(h1.node_dir("worker-1") + "/stderr.log");
  fs::create_symlink(target, h1.node_dir("worker-1") + "/stderr.log");
  ::kill(cluster_.node_pids("worker-1").front(), SIGKILL);
  ASSERT_TRUE(poll_until(
      [&] {
        const auto records = h1.crash_records("worker-1");
        return !records.empty() && fs::exists(records.back() + "/report.txt");
      },
      kWait));
  const std::string record = h1.crash_records("worker-1").back();
  for (const auto& file : fs::recursive_directory_iterator(record)) {
    if (!file.is_regular_file()) continue;
    EXPECT_THAT(file_text(file.path().string()), Not(HasSubstr("NOT FOR THE SUPERVISOR")))
        << file.path();
  }
  EXPECT_THAT(file_text(h1.spool() + "/supervisor.log"), Not(HasSubstr("NOT FOR THE SUPERVISOR")));
}

// O_NOFOLLOW guards only a path's last component: a node (which runs as the supervisor's
// user) that swaps its whole dir for a link to another directory must not have the
// supervisor read its crash tails there, move a core out of it, or write the next run's
// files into it.
TEST_F(Bounded, ANodeDirSwappedForASymlinkIsNeitherReadNorWrittenThrough) {
  ASSERT_NO_FATAL_FAILURE(start_worker_beside_outside_dir());
  SimHost& h1 = *h1_;
  const std::string outside = outside_;
  ProcessResult r;
  { std::ofstream(outside + "/stderr.log") << "NOT FOR THE SUPERVISOR\n"; }
  { std::ofstream(outside + "/core") << "NOT FOR THE SUPERVISOR (core)\n"; }
  const auto listing = [&] {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(outside))
      names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  };
  const auto before = listing();
  const std::string dir = h1.node_dir("worker-1");
  fs::rename(dir, dir + ".away");
  fs::create_directory_symlink(outside, dir);
  ::kill(cluster_.node_pids("worker-1").front(), SIGSEGV);
  ASSERT_TRUE(poll_until(
      [&] {
        const auto records = h1.crash_records("worker-1");
        return !records.empty() && fs::exists(records.back() + "/report.txt");
      },
      kWait));
  const std::string record = h1.crash_records("worker-1").back();
  const std::string why = "refusing directory '" + dir + "': it is a symbolic link";
  EXPECT_THAT(file_text(record + "/report.txt"), HasSubstr(why));
  for (const auto& file : fs::recursive_directory_iterator(record)) {
    if (!file.is_regular_file()) continue;
    EXPECT_THAT(file_text(file.path().string()), Not(HasSubstr("NOT FOR THE SUPERVISOR")))
        << file.path();
  }
  // A start (the operator's; the collector's restart meets the same) is refused, naming
  // the dir, and leaves the directory behind the link as it was.
  r = cluster_.shell({"start", "worker-1"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.out + r.err, HasSubstr("worker-1"));
  EXPECT_THAT(r.out + r.err, HasSubstr(why)) << r.out << r.err;
  EXPECT_TRUE(cluster_.node_pids("worker-1").empty());
  EXPECT_EQ(listing(), before);
  EXPECT_EQ(file_text(outside + "/core"), "NOT FOR THE SUPERVISOR (core)\n");
  const std::string log = file_text(h1.spool() + "/supervisor.log");
  EXPECT_THAT(log, HasSubstr(why));
  EXPECT_THAT(log, Not(HasSubstr("NOT FOR THE SUPERVISOR")));
  // `diag` shows the record, with the reason in place of the tails.
  r = cluster_.shell({"diag", "worker-1"});
  EXPECT_THAT(r.out, HasSubstr(why)) << r.out << r.err;
  EXPECT_THAT(r.out, Not(HasSubstr("NOT FOR THE SUPERVISOR")));
  // `cleanup` empties no directory through the link.
  r = cluster_.shell({"cleanup", "worker-1"});
  EXPECT_THAT(r.out + r.err, HasSubstr(why)) << r.out << r.err;
  EXPECT_EQ(listing(), before);
  fs::remove(dir);
  fs::rename(dir + ".away", dir);
}

// The crash records' own dir: a link at TmpDir/crashes/<node> gets no record written
// through it, and the supervisor's log says why.
TEST_F(Bounded, ACrashRecordDirSwappedForASymlinkGetsNothingWrittenThroughIt) {
  ASSERT_NO_FATAL_FAILURE(start_worker_beside_outside_dir());
  SimHost& h1 = *h1_;
  const std::string outside = outside_;
  const std::string root = h1.tmp() + "/crashes/worker-1";
  fs::create_directories(h1.tmp() + "/crashes");
  fs::remove_all(root);
  fs::create_directory_symlink(outside, root);
  ::kill(cluster_.node_pids("worker-1").front(), SIGKILL);
  const std::string why = "refusing directory '" + root + "': it is a symbolic link";
  const std::string log = h1.spool() + "/supervisor.log";
  ASSERT_TRUE(poll_until([&] { return file_text(log).find(why) != std::string::npos; }, kWait))
      << file_text(log);
  EXPECT_THAT(file_text(log), HasSubstr("crash record not written"));
  EXPECT_TRUE(fs::is_empty(outside));
}

}  // namespace
}  // namespace bc::test
