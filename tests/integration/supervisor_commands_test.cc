// brocluster-supervisor's host commands (exec, df, top, signal), its answers to hostile
// input, and a node whose working directory cannot be created.

#include <cmath>
#include <filesystem>
#include <fstream>
#include <zmq_addon.hpp>

#include "tests/integration/supervisor_fixture.h"

namespace bc::test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

msg::Value exec_args(const std::string& cmdline, double timeout = 10) {
  msg::Value args = msg::Value::empty_map();
  args.set("cmdline", cmdline).set("timeout", timeout);
  return args;
}

TEST_F(SupervisorTest, ExecRunsOnEveryHostAndATimeoutKillsWithoutBlocking) {
  SimHost* second = nullptr;
  ASSERT_NO_FATAL_FAILURE(start(0, {}, {}, [&](SimCluster& c, SimHost& first) {
    second = &c.add_host();
    c.add_standard_nodes(first, 1);
    c.add_node(*second, "worker-2", "worker");
  }));
  for (SimHost* on : {&host(), second}) {
    Client c = cluster().client(*on);
    const msg::Reply r = c.call("exec", exec_args("echo out-$CLUSTER_HOST; echo err >&2; exit 4"));
    ASSERT_TRUE(r.ok) << describe(r);
    EXPECT_EQ(str_field(*r.result, "host"), on->name());
    EXPECT_EQ(str_field(*r.result, "output"), "out-" + on->name() + "\nerr\n");
    EXPECT_EQ(int_field(*r.result, "exit_code"), 4);
    EXPECT_FALSE(bool_field(*r.result, "timed_out"));
  }

  Client a = client();
  Client b = client();
  const auto t0 = std::chrono::steady_clock::now();
  const auto id = a.send("exec", exec_args("sleep 100", 1.0));
  // The supervisor answers others while the job runs.
  ASSERT_TRUE(
      poll_until([&] { return !pids_with_env("HOME=" + host().base()).empty(); }, Millis(5000)));
  const msg::Reply status = b.call("status", msg::Value::empty_map(), Millis(900));
  ASSERT_TRUE(status.ok) << describe(status);
  EXPECT_FALSE(a.poll(id));
  const msg::Reply r = a.wait(id);
  ASSERT_TRUE(r.ok) << describe(r);
  EXPECT_GE(seconds_since(t0), 1.0);
  EXPECT_LT(seconds_since(t0), 10.0);
  EXPECT_TRUE(bool_field(*r.result, "timed_out"));
  EXPECT_EQ(int_field(*r.result, "signal"), 9);
  // The whole group got SIGKILL; a process of it other than the reaped shell may take a
  // moment to be gone.
  EXPECT_TRUE(
      poll_until([&] { return pids_with_env("HOME=" + host().base()).empty(); }, Millis(5000)))
      << "the job's group was killed";
}

// `cancel` (issue 18, point 2): the connection that sent an exec ends it by its request id
// (the shell's Ctrl-C); another connection naming the same id ends nothing.
TEST_F(SupervisorTest, CancelEndsAnExecOfTheSameConnectionOnly) {
  ASSERT_NO_FATAL_FAILURE(start(1));
  Client a = client();
  Client b = client();
  const auto id = a.send("exec", exec_args("sleep 100", 60));
  const auto jobs = [&] { return pids_with_env("HOME=" + host().base()); };
  ASSERT_TRUE(poll_until([&] { return !jobs().empty(); }, kWait));
  msg::Value args = msg::Value::empty_map();
  args.set("id", id);
  const msg::Reply other = b.call("cancel", args);
  ASSERT_TRUE(other.ok) << describe(other);
  EXPECT_EQ(int_field(*other.result, "cancelled"), 0);
  EXPECT_FALSE(jobs().empty()) << "another connection's cancel ended the exec";

  const msg::Reply mine = a.call("cancel", args);
  ASSERT_TRUE(mine.ok) << describe(mine);
  EXPECT_EQ(int_field(*mine.result, "cancelled"), 1);
  const msg::Reply r = a.wait(id);
  ASSERT_TRUE(r.ok) << describe(r);
  EXPECT_TRUE(bool_field(*r.result, "cancelled"));
  EXPECT_FALSE(bool_field(*r.result, "timed_out"));
  EXPECT_EQ(int_field(*r.result, "signal"), 9);
  EXPECT_TRUE(poll_until([&] { return jobs().empty(); }, kWait)) << "the job's group was killed";
  // Nothing left to cancel, and an id that is not one is refused.
  EXPECT_EQ(int_field(*a.call("cancel", args).result, "cancelled"), 0);
  const msg::Reply bad = a.call("cancel", msg::Value::empty_map());
  ASSERT_FALSE(bad.ok);
  EXPECT_EQ(bad.error->code, ErrorCode::kInvalidArgument);
}

TEST_F(SupervisorTest, DfTopAndSignalReportAndReachTheNodes) {
  ASSERT_NO_FATAL_FAILURE(start(2));
  Client c = client();
  ASSERT_TRUE(c.call("start", nodes_arg({"manager", "proxy-1", "worker-1"})).ok);

  const msg::Reply df = c.call("df");
  ASSERT_TRUE(df.ok) << describe(df);
  std::vector<std::string> paths;
  for (const auto& disk : *df.result->find("disks")->as_array()) {
    paths.push_back(str_field(disk, "path"));
    if (str_field(disk, "path") == host().spool()) {
      EXPECT_GT(int_field(disk, "total"), 0);
      EXPECT_GE(disk.find("avail_pct")->as_double().value_or(-1), 0.0);
    }
  }
  EXPECT_EQ(paths, (std::vector<std::string>{host().base(), host().spool(), host().base() + "/logs",
                                             host().tmp()}));

  const msg::Reply top = c.call("top");
  ASSERT_TRUE(top.ok) << describe(top);
  for (const char* name : {"manager", "proxy-1", "worker-1"}) {
    const msg::Value e = node_entry(top, name);
    EXPECT_GT(pid_of(e), 0) << name;
    EXPECT_GT(int_field(e, "rss"), 0) << name;
    EXPECT_GT(int_field(e, "vsize"), 0) << name;
    ASSERT_TRUE(e.find("cpu")) << name;
    EXPECT_GE(e.find("cpu")->as_double().value_or(-1), 0.0) << name;
  }
  EXPECT_FALSE(node_entry(top, "worker-2").find("rss")) << "worker-2 is not running";

  msg::Value hup = nodes_arg({"worker-1"});
  hup.set("signal", "HUP");
  const msg::Reply sent = c.call("signal", hup);
  ASSERT_TRUE(sent.ok) << describe(sent);
  EXPECT_TRUE(poll_until(
      [&] {
        return file_text(host().node_dir("worker-1") + "/stdout.log")
                   .find("fake node received SIGHUP") != std::string::npos;
      },
      Millis(5000)));
  EXPECT_EQ(str_field(c.status_of("worker-1"), "state"), "running");

  msg::Value to_stopped = nodes_arg({"worker-2"});
  to_stopped.set("signal", 1);
  const msg::Reply refused = c.call("signal", to_stopped);
  ASSERT_FALSE(refused.ok);
  EXPECT_THAT(refused.error->message, HasSubstr("worker-2 is not running"));
  msg::Value bad = nodes_arg({"worker-1"});
  bad.set("signal", "SIGNOPE");
  const msg::Reply invalid = c.call("signal", bad);
  ASSERT_FALSE(invalid.ok);
  EXPECT_EQ(invalid.error->code, ErrorCode::kInvalidArgument);
}

TEST_F(SupervisorTest, HostileInputGetsErrorsAndNeverStopsTheSupervisor) {
  ASSERT_NO_FATAL_FAILURE(start(1));
  Client c = client();
  const msg::Reply unknown = c.call("frobnicate");
  ASSERT_FALSE(unknown.ok);
  EXPECT_EQ(unknown.error->code, ErrorCode::kUnknownCommand);
  EXPECT_THAT(unknown.error->message, HasSubstr("frobnicate"));

  msg::Value not_a_list = msg::Value::empty_map();
  not_a_list.set("nodes", "worker-1");
  const msg::Reply r1 = c.call("start", not_a_list);
  ASSERT_FALSE(r1.ok);
  EXPECT_EQ(r1.error->code, ErrorCode::kInvalidArgument);
  const msg::Reply r2 = c.call("stop", nodes_arg({"worker-1", "nope-7"}));
  ASSERT_FALSE(r2.ok);
  EXPECT_EQ(r2.error->code, ErrorCode::kNotFound);
  EXPECT_THAT(r2.error->message, HasSubstr("nope-7"));
  msg::Value numbers = msg::Value::empty_map();
  numbers.set("nodes", msg::Value(msg::Value::Array{msg::Value(1), msg::Value(2)}));
  EXPECT_FALSE(c.call("status", numbers).ok);
  EXPECT_FALSE(c.call("exec", msg::Value::empty_map()).ok);
  msg::Value bad_timeout = exec_args("true", -5);
  EXPECT_FALSE(c.call("exec", bad_timeout).ok);
  msg::Value zero_interval = msg::Value::empty_map();
  zero_interval.set("interval", 0.0);
  EXPECT_FALSE(c.call("capstats", zero_interval).ok);
  // NaN passes a check written as "below min or above max"; an exec would then run with it.
  const msg::Reply nan_timeout = c.call("exec", exec_args("true", std::nan("")));
  ASSERT_FALSE(nan_timeout.ok);
  EXPECT_THAT(nan_timeout.error->message, HasSubstr("'timeout' must be a number from"));
  EXPECT_EQ(str_field(c.status_of("worker-1"), "state"), "stopped") << "nothing was started";

  // Raw frames from a DEALER of our own: garbage, wrong shapes, too many frames.
  Client rogue = client();
  zmq::socket_t& s = rogue.socket();
  const std::string garbage("\xc1\xff\x00garbage", 10);
  const std::string not_a_request = msg::encode_value(msg::Value("just a string"));
  msg::Value wrong_types = msg::Value::empty_map();
  wrong_types.set("v", 1).set("id", "seven").set("cmd", 5).set("ts", 0);
  const std::string wrong = msg::encode_value(wrong_types);
  const std::string big(512 * 1024, '\xff');
  int malformed = 0;
  for (const std::string* frame : {&garbage, &not_a_request, &wrong, &big}) {
    ASSERT_TRUE(s.send(zmq::buffer(*frame), zmq::send_flags::none));
    ++malformed;
  }
  ASSERT_TRUE(s.send(zmq::str_buffer(""), zmq::send_flags::none));
  ++malformed;
  std::vector<zmq::const_buffer> three = {zmq::str_buffer("a"), zmq::str_buffer("b"),
                                          zmq::str_buffer("c")};
  ASSERT_TRUE(zmq::send_multipart(s, three));
  ++malformed;
  // An undecodable single frame is answered with an error for request id 0.
  // Read off the socket: no request of ours has id 0, so the client would drop it.
  zmq::pollitem_t item{s.handle(), 0, ZMQ_POLLIN, 0};
  ASSERT_EQ(zmq::poll(&item, 1, kWait), 1) << "no error reply";
  zmq::message_t frame;
  ASSERT_TRUE(s.recv(frame, zmq::recv_flags::none));
  const auto err = msg::decode<msg::Reply>(frame.to_string_view());
  ASSERT_TRUE(err.is_ok()) << err.status().message();
  EXPECT_EQ(err->id, 0u);
  ASSERT_FALSE(err->ok);
  EXPECT_EQ(err->error->code, ErrorCode::kBadMessage) << describe(*err);
  // Still serving, on the same connection and a fresh one.
  EXPECT_TRUE(rogue.call("ping").ok);
  const msg::Reply ping = c.call("ping");
  ASSERT_TRUE(ping.ok) << describe(ping);
  EXPECT_EQ(int_field(*ping.result, "pid"), host().supervisor_pid());
  EXPECT_TRUE(pid_alive(host().supervisor_pid()));
  const auto hb = fresh_heartbeat(host());
  ASSERT_TRUE(hb);
  EXPECT_GE(hb->heartbeat->counters.at("malformed"), static_cast<std::uint64_t>(malformed));
}

TEST_F(SupervisorTest, NodeDirThatCannotBeCreatedFailsTheStartFastNamingThePath) {
  ASSERT_NO_FATAL_FAILURE(start(2));
  const std::string dir = host().node_dir("worker-1");
  fs::create_directories(host().spool());
  { std::ofstream(dir) << "a file where the node's directory belongs\n"; }
  Client c = client();
  const auto t0 = std::chrono::steady_clock::now();
  const msg::Reply r = c.call("start", nodes_arg({"worker-1"}));
  EXPECT_LT(seconds_since(t0), 2.0);
  ASSERT_FALSE(r.ok) << describe(r);
  EXPECT_EQ(r.error->code, ErrorCode::kFailed);
  EXPECT_THAT(r.error->message, HasSubstr("worker-1"));
  EXPECT_THAT(r.error->message, HasSubstr(dir));
  EXPECT_EQ(str_field(node_entry(r, "worker-1"), "state"), "failed");
  EXPECT_TRUE(pids_with_env(host().spool_env("worker-1")).empty());
  ASSERT_TRUE(tap().wait_for(node_state(h(), "worker-1", "failed"), kWait));
  // The other nodes are not affected.
  const msg::Reply other = c.call("start", nodes_arg({"worker-2"}));
  EXPECT_TRUE(other.ok) << describe(other);
}

}  // namespace
}  // namespace bc::test
