// Unit tests of the supervisor daemon's parts that need no running daemon: the timer
// queue, reply aggregation, the state file, the node environment and crash records.

#include <poll.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <optional>

#include "common/file_util.h"
#include "common/timer_queue.h"
#include "messages/codec.h"
#include "supervisor/crash_record_writer.h"
#include "supervisor/crash_recorder.h"
#include "supervisor/crash_watchers.h"
#include "supervisor/node_launcher.h"
#include "supervisor/pending_reply.h"
#include "supervisor/state_store.h"
#include "test_support.h"

namespace bc::sup {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

TEST(TimerQueue, FiresDueTimersInDeadlineOrderAndSkipsCancelled) {
  TimerQueue q;
  const auto t0 = Clock::time_point(std::chrono::seconds(100));
  std::vector<int> fired;
  q.schedule(t0 + Millis(30), [&] { fired.push_back(3); });
  q.schedule(t0 + Millis(10), [&] { fired.push_back(1); });
  const auto cancelled = q.schedule(t0 + Millis(20), [&] { fired.push_back(2); });
  q.cancel(cancelled);
  q.cancel(cancelled);  // twice is harmless
  q.cancel(0);
  EXPECT_EQ(q.next_deadline(), t0 + Millis(10));
  q.run_due(t0 + Millis(25));
  EXPECT_EQ(fired, (std::vector<int>{1}));
  q.run_due(t0 + Millis(30));
  EXPECT_EQ(fired, (std::vector<int>{1, 3}));
  EXPECT_FALSE(q.next_deadline().has_value());
}

TEST(TimerQueue, CallbackMayScheduleATimerThatIsAlreadyDue) {
  TimerQueue q;
  const auto t0 = Clock::time_point(std::chrono::seconds(100));
  int count = 0;
  q.schedule(t0, [&] {
    ++count;
    q.schedule(t0, [&] { ++count; });
  });
  q.run_due(t0);
  EXPECT_EQ(count, 2);
}

TEST(TimerQueue, PollTimeoutRoundsUpAndCaps) {
  const auto now = Clock::time_point(std::chrono::seconds(100));
  EXPECT_EQ(poll_timeout_ms(std::nullopt, now, Millis(1000)), 1000);
  EXPECT_EQ(poll_timeout_ms(now - Millis(5), now, Millis(1000)), 0);
  EXPECT_EQ(poll_timeout_ms(now + std::chrono::microseconds(100), now, Millis(1000)), 1);
  EXPECT_EQ(poll_timeout_ms(now + Millis(5000), now, Millis(1000)), 1000);
}

TEST(PendingReply, RepliesOnceEveryNodeHasReportedAndNamesFailures) {
  std::vector<msg::Reply> sent;
  PendingReply p(7, "start", [&](const msg::Reply& r) { sent.push_back(r); });
  p.expect("a");
  p.expect("b");
  p.report("a", Status::ok());
  EXPECT_TRUE(sent.empty());
  p.report("b", Status(ErrorCode::kFailed, "b terminated immediately after starting"));
  p.report("b", Status::ok());  // a second outcome is ignored
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].id, 7u);
  EXPECT_FALSE(sent[0].ok);
  ASSERT_TRUE(sent[0].error.has_value());
  EXPECT_EQ(sent[0].error->code, ErrorCode::kFailed);
  EXPECT_EQ(sent[0].error->message, "b terminated immediately after starting");
  const msg::Value* nodes = sent[0].result->find("nodes");
  ASSERT_NE(nodes, nullptr);
  EXPECT_EQ(nodes->find("a")->get_bool("ok").value(), true);
  EXPECT_EQ(nodes->find("b")->get_bool("ok").value(), false);
}

TEST(PendingReply, SealAnswersARequestForNoNodes) {
  int sent = 0;
  PendingReply p(1, "stop", [&](const msg::Reply& r) {
    ++sent;
    EXPECT_TRUE(r.ok);
  });
  p.seal();
  p.seal();
  EXPECT_EQ(sent, 1);
}

// The event a watch's answer carries, decoded; nullopt for an answer without one.
std::optional<msg::NodeStateChange> watched(const msg::Reply& r) {
  EXPECT_TRUE(r.ok);
  const msg::Value* ev = r.result ? r.result->find("event") : nullptr;
  if (ev == nullptr || ev->as_binary() == nullptr) return std::nullopt;
  const auto& b = ev->as_binary()->bytes;
  auto e = msg::decode<msg::NodeStateChange>(
      std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
  EXPECT_TRUE(e.is_ok()) << e.status().message();
  return e.is_ok() ? std::optional(*e) : std::nullopt;
}

TEST(CrashWatchers, ACrashAnswersEveryWatchWithTheEventAndEndsThem) {
  CrashWatchers w;
  const auto t0 = Clock::now();
  std::vector<std::pair<std::uint64_t, std::optional<msg::NodeStateChange>>> got;
  auto responder = [&](const msg::Reply& r) { got.emplace_back(r.id, watched(r)); };
  w.add(1, responder, t0 + std::chrono::seconds(20));
  w.add(2, responder, t0 + std::chrono::seconds(20));
  msg::NodeStateChange crash;
  msg::stamp(crash, "host1", 41, 1'800'000'000'000'000);
  crash.node = "worker-1";
  crash.node_type = "worker";
  crash.state = "crashed";
  crash.prev_state = "running";
  crash.desired = "running";
  crash.signal = 9;
  w.notify(crash);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].first, 1u);
  EXPECT_EQ(got[1].first, 2u);
  ASSERT_TRUE(got[1].second);
  EXPECT_EQ(*got[1].second, crash);  // the very event, seq and ts included
  EXPECT_EQ(w.size(), 0u);
  w.notify(crash);  // no watch left: nobody is told twice
  EXPECT_EQ(got.size(), 2u);
}

TEST(CrashWatchers, AWatchRunsOutEmptyAndTheOldestGoesWhenTooManyWait) {
  CrashWatchers w;
  const auto t0 = Clock::now();
  std::vector<std::uint64_t> empty;
  auto responder = [&](const msg::Reply& r) {
    EXPECT_FALSE(watched(r));
    empty.push_back(r.id);
  };
  w.add(1, responder, t0 + std::chrono::seconds(5));
  w.add(2, responder, t0 + std::chrono::seconds(1));
  w.expire(t0);
  EXPECT_TRUE(empty.empty());
  w.expire(t0 + std::chrono::seconds(1));
  EXPECT_THAT(empty, ElementsAre(2u));
  for (std::uint64_t id = 3; id < 3 + CrashWatchers::kMaxWatchers; ++id)
    w.add(id, responder, t0 + std::chrono::seconds(20));
  EXPECT_THAT(empty, ElementsAre(2u, 1u));  // over the cap: the oldest, answered
  EXPECT_EQ(w.size(), CrashWatchers::kMaxWatchers);
}

// A watch that comes after a crash (a restarted supervisor's first, or the one re-asked
// after an answer) names the newest event its collector heard: a node still crashed since a
// later crash is answered at once; one that has settled, or a crash heard already, is not.
TEST(CrashWatchers, AWatchAfterAnUnheardCrashOfANodeStillCrashedIsAnsweredAtOnce) {
  CrashWatchers w;
  const auto t0 = Clock::now();
  std::vector<std::pair<std::uint64_t, std::optional<msg::NodeStateChange>>> got;
  auto responder = [&](const msg::Reply& r) { got.emplace_back(r.id, watched(r)); };
  msg::NodeStateChange crash;
  msg::stamp(crash, "host1", 7, 1'800'000'000'000'000);
  crash.node = "manager";
  crash.node_type = "manager";
  crash.state = "crashed";
  crash.prev_state = "running";
  crash.desired = "running";
  w.notify(crash);  // nobody waiting
  msg::NodeStateChange later = crash;
  msg::stamp(later, "host1", 9, 1'800'000'000'500'000);
  later.node = "proxy-1";
  later.node_type = "proxy";
  w.notify(later);
  w.add(1, responder, t0 + std::chrono::seconds(20), crash.env.ts);  // heard the first
  ASSERT_EQ(got.size(), 1u);
  ASSERT_TRUE(got[0].second);
  EXPECT_EQ(*got[0].second, later);
  w.add(2, responder, t0 + std::chrono::seconds(20), crash.env.ts - 1);  // heard neither
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(*got[1].second, crash) << "the oldest unheard first";
  w.add(3, responder, t0 + std::chrono::seconds(20), later.env.ts);  // heard both: held
  w.add(4, responder, t0 + std::chrono::seconds(20));                // no `after`: held
  EXPECT_EQ(got.size(), 2u);
  EXPECT_EQ(w.size(), 2u);
  w.expire(t0 + std::chrono::seconds(20));
  got.clear();
  w.settled("manager");
  w.settled("proxy-1");
  w.add(5, responder, t0 + std::chrono::seconds(20), 0);  // restarted since: old news
  EXPECT_TRUE(got.empty());
  EXPECT_EQ(w.size(), 1u);
}

PersistedState sample_state() {
  PersistedState state;
  state.host = "host2";
  state.boot_id = "b0";
  state.version = 42;
  state.nodes["worker-1"] = {
      NodeState::kRunning, DesiredState::kRunning, 1234, 99887766, 17, true, "worker", "", "3f2a"};
  state.nodes["proxy"] = {
      NodeState::kCrashed, DesiredState::kRunning, 0, 0, 0, true, "proxy", "", ""};
  return state;
}

TEST(StateStore, RoundTripsThroughTheFileAndANewReaderSeesTheLatest) {
  testing::TempDir dir;
  PersistedState state = sample_state();
  StateFile writer(dir / "s");
  ASSERT_TRUE(writer.save(state));
  state.version = 43;
  state.nodes["worker-1"].pid = 4321;
  ASSERT_TRUE(writer.save(state));
  auto loaded = StateFile(dir / "s").load();
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  EXPECT_EQ(*loaded, state);
}

TEST(StateStore, ReadsTheSingleFileFormatOfEarlierVersions) {
  testing::TempDir dir;
  const PersistedState state = sample_state();
  ASSERT_TRUE(write_file_atomic(dir / "s", encode_state(state)));
  auto loaded = StateFile(dir / "s").load();
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  EXPECT_EQ(*loaded, state);
}

TEST(StateStore, MissingFileIsNotFoundAndGarbageIsRejectedNamingThePath) {
  testing::TempDir dir;
  EXPECT_EQ(StateFile(dir / "none").load().status().code(), ErrorCode::kNotFound);
  ASSERT_TRUE(write_file_atomic(dir / "bad.a", "\x93\x01\x02"));
  auto bad = StateFile(dir / "bad").load();
  ASSERT_FALSE(bad.is_ok());
  EXPECT_THAT(bad.status().message(), HasSubstr(dir / "bad.a"));
  msg::Value wrong = msg::Value::empty_map();
  wrong.set("format", 1).set("host", "h").set("boot_id", "b").set("version", 1);
  wrong.set("nodes",
            msg::Value::empty_map().set("n", msg::Value::empty_map().set("state", "zombie")));
  EXPECT_FALSE(decode_state(msg::encode_value(wrong)).is_ok());
}

TEST(StateStore, BootIdIsReadable) {
  EXPECT_EQ(current_boot_id().size(), 36u);
}

SupervisorOptions options_in(const std::string& base) {
  SupervisorOptions o;
  o.host = "host3";
  o.base_dir = base;
  o.spool_dir = base + "/spool";
  o.tmp_dir = base + "/spool/tmp";
  o.node_program = "/opt/bro/bin/brocluster-node";
  o.bro_args = {"-U", ".status"};
  o.cluster_options.set("Scripts-Worker", "cluster-worker");
  o.cluster_options.set("SitePolicyWorker", "local-worker.bro");
  o.cluster_options.set("AuxScriptsWorker", "extra.bro");
  return o;
}

config::NodeSpec worker() {
  config::NodeSpec n;
  n.name = "worker-2";
  n.type = config::NodeType::kWorker;
  n.host = "host3";
  n.interface = "eth1";
  n.aux_scripts = {"experimental.bro"};
  n.pin_cpus = {1};
  n.env_vars = {{"PATH", "/custom"}, {"SITE", "x"}};
  n.lb_group = "worker";
  n.lb_index = 2;
  n.lb_procs = 4;
  return n;
}

TEST(NodeLauncher, SpawnSpecFollowsTheNodeProgramContract) {
  const SupervisorOptions o = options_in("/b");
  const SpawnSpec spec = make_spawn_spec(o, worker());
  EXPECT_EQ(spec.program, "/opt/bro/bin/brocluster-node");
  EXPECT_EQ(spec.argv, (std::vector<std::string>{"/opt/bro/bin/brocluster-node", "-U", ".status"}));
  EXPECT_EQ(spec.cwd, "/b/spool/worker-2");
  // In the working dir, opened there by the spawner (not by a path a link could redirect).
  EXPECT_EQ(spec.stdout_path, "stdout.log");
  EXPECT_EQ(spec.cpus, (std::vector<int>{1}));
  const auto has = [&](const std::string& entry) {
    return std::find(spec.env.begin(), spec.env.end(), entry) != spec.env.end();
  };
  EXPECT_TRUE(has("CLUSTER_NODE=worker-2"));
  EXPECT_TRUE(has("CLUSTER_NODE_TYPE=worker"));
  EXPECT_TRUE(has("CLUSTER_INTERFACE=eth1"));
  EXPECT_TRUE(has("CLUSTER_SCRIPTS=cluster-worker local-worker.bro extra.bro experimental.bro"));
  EXPECT_TRUE(has("CLUSTER_NOTIFY_FD=3"));
  EXPECT_TRUE(has("CLUSTER_CONTROL=ipc:///b/spool/worker-2/.control"));
  EXPECT_TRUE(has("CLUSTER_LB_INDEX=2"));
  EXPECT_TRUE(has("PATH=/custom"));  // the node's env_vars win
  EXPECT_TRUE(has("SITE=x"));
  EXPECT_EQ(std::count_if(spec.env.begin(), spec.env.end(),
                          [](const std::string& e) { return e.starts_with("PATH="); }),
            1);
}

// Issue 18: BroArgs went to every node, also to one with a program of its own (the
// bundled worker exited 109 on BroArgs meant for another program), and a node had no
// arguments of its own. BroArgs is the default program's; args= is the node's.
TEST(NodeLauncher, PerNodeProgramOverridesNodeProgramAndTakesOnlyItsOwnArgs) {
  config::NodeSpec n = worker();
  n.program = "/usr/bin/zeek-wrapper";
  n.args = {"--site", "x"};
  const SpawnSpec own = make_spawn_spec(options_in("/b"), n);
  EXPECT_EQ(own.program, "/usr/bin/zeek-wrapper");
  EXPECT_EQ(own.argv, (std::vector<std::string>{"/usr/bin/zeek-wrapper", "--site", "x"}));
  n.program.clear();
  EXPECT_EQ(
      make_spawn_spec(options_in("/b"), n).argv,
      (std::vector<std::string>{"/opt/bro/bin/brocluster-node", "-U", ".status", "--site", "x"}));
}

TEST(CrashRecorder, WritesAReportWithTailsAndFindsIt) {
  testing::TempDir dir;
  const SupervisorOptions o = options_in(dir.path());
  Node node;
  node.spec = worker();
  node.pid = 4242;
  node.started_at_us = 1'700'000'000'000'000;
  const std::string spool = node_dir(o, node.spec);
  ASSERT_TRUE(ensure_dir(spool));
  ASSERT_TRUE(write_file_atomic(spool + "/stderr.log", "first\nfatal: out of cheese\n"));
  ExitInfo exit;
  exit.pid = 4242;
  exit.signal = 11;
  exit.core_dumped = true;
  auto report = write_crash_record(o, node, node.pid, exit, node.started_at_us + 5'000'000);
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  EXPECT_EQ(report->env.host, "host3");
  EXPECT_EQ(report->signal, 11);
  EXPECT_EQ(report->exit_code, -1);
  EXPECT_THAT(report->stderr_tail, HasSubstr("out of cheese"));
  EXPECT_TRUE(std::filesystem::exists(report->record_dir + "/report.txt"));
  auto latest = latest_crash_record(o, "worker-2");
  ASSERT_TRUE(latest.is_ok());
  EXPECT_EQ(latest->record_dir, report->record_dir);
  const std::string text = render_crash_report(*latest);
  EXPECT_THAT(text, HasSubstr("signal 11 (Segmentation fault), core dumped"));
  EXPECT_THAT(text, HasSubstr("fatal: out of cheese"));
}

TEST(CrashRecorder, UnknownExitIsSaidSoAndOldRecordsArePruned) {
  testing::TempDir dir;
  const SupervisorOptions o = options_in(dir.path());
  Node node;
  node.spec = worker();
  for (int i = 0; i < kKeepPerNode + 3; ++i) {
    node.pid = 100 + i;
    ASSERT_TRUE(
        write_crash_record(o, node, node.pid, std::nullopt, 1'700'000'000'000'000 + i * 1'000'000));
  }
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& e :
       std::filesystem::directory_iterator(crash_root(o, "worker-2")))
    ++count;
  EXPECT_EQ(count, static_cast<std::size_t>(kKeepPerNode));
  auto latest = latest_crash_record(o, "worker-2");
  ASSERT_TRUE(latest.is_ok());
  EXPECT_EQ(latest->pid, 100 + kKeepPerNode + 2);
  EXPECT_THAT(render_crash_report(*latest), HasSubstr("Exit:       unknown"));
}

// What the collector asks for to mail the crashes it missed: the records that ended after
// a time, oldest first, whichever second their directory names carry.
TEST(CrashRecorder, RecordsSinceATimeAreTheLaterOnesOldestFirst) {
  testing::TempDir dir;
  const SupervisorOptions o = options_in(dir.path());
  Node node;
  node.spec = worker();
  const std::int64_t t0 = 1'700'000'000'000'000;
  for (const std::int64_t at : {t0, t0 + 2'000'000, t0 + 2'500'000, t0 + 9'000'000}) {
    node.pid = static_cast<pid_t>(100 + at % 10'000'000 / 100'000);
    ASSERT_TRUE(write_crash_record(o, node, node.pid, std::nullopt, at));
  }
  auto ends = [&](std::int64_t since) {
    std::vector<std::int64_t> out;
    for (const auto& r : crash_records_since(o, "worker-2", since))
      out.push_back(r.ended_at - t0);
    return out;
  };
  EXPECT_THAT(ends(0), ElementsAre(0, 2'000'000, 2'500'000, 9'000'000));
  // Within one second of the names: told apart by the reports' own times.
  EXPECT_THAT(ends(t0 + 2'000'000), ElementsAre(2'500'000, 9'000'000));
  EXPECT_THAT(ends(t0 + 9'000'000), ElementsAre());
  EXPECT_THAT(crash_records_since(o, "worker-9", 0), ::testing::IsEmpty());
}

// The record describes the crashed run even when the restarted one has already appended
// to the logs and rewritten .cmdline before the record is written (it is written later,
// on the writer's thread).
TEST(CrashRecorder, RecordIsTheSnapshotsNotWhatTheNextRunWrote) {
  testing::TempDir dir;
  const SupervisorOptions o = options_in(dir.path());
  Node node;
  node.spec = worker();
  node.pid = 77;
  const std::string spool = node_dir(o, node.spec);
  ASSERT_TRUE(ensure_dir(spool));
  ASSERT_TRUE(write_file_atomic(spool + "/stdout.log", "run one said goodbye\n"));
  ASSERT_TRUE(write_file_atomic(spool + "/.cmdline", "node --run-one\n"));
  const CrashSnapshot snap = snapshot_crash(o, node, node.pid, std::nullopt, 1'700'000'000'000'000);
  ASSERT_TRUE(write_file_atomic(spool + "/stdout.log", "run one said goodbye\nrun two says hi\n"));
  ASSERT_TRUE(write_file_atomic(spool + "/.cmdline", "node --run-two\n"));

  CrashRecordWriter writer;
  ASSERT_GE(writer.fd(), 0);
  ASSERT_TRUE(writer.submit(snap));
  pollfd p{writer.fd(), POLLIN, 0};
  ASSERT_EQ(::poll(&p, 1, 10'000), 1) << "no record within 10 s";
  std::vector<WrittenRecord> done = writer.take();
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].node, "worker-2");
  ASSERT_TRUE(done[0].report.is_ok()) << done[0].report.status().to_string();
  const std::string record = done[0].report->record_dir;
  EXPECT_EQ(done[0].report->stdout_tail, "run one said goodbye\n");
  EXPECT_EQ(*read_file(record + "/stdout.log"), "run one said goodbye\n");
  EXPECT_EQ(*read_file(record + "/.cmdline"), "node --run-one\n");
}

TEST(CrashRecordWriter, FlushWritesEverythingQueuedAndLaterSubmissionsAreRefused) {
  testing::TempDir dir;
  const SupervisorOptions o = options_in(dir.path());
  Node node;
  node.spec = worker();
  CrashRecordWriter writer;
  for (int i = 0; i < 5; ++i) {
    node.pid = 500 + i;
    ASSERT_TRUE(writer.submit(
        snapshot_crash(o, node, node.pid, std::nullopt, 1'700'000'000'000'000 + i * 1'000'000)));
  }
  writer.flush();
  std::vector<WrittenRecord> done = writer.take();
  ASSERT_EQ(done.size(), 5u);
  for (const auto& w : done)
    EXPECT_TRUE(w.report.is_ok());
  EXPECT_FALSE(writer.submit(snapshot_crash(o, node, 600, std::nullopt, 1'800'000'000'000'000)));
}

}  // namespace
}  // namespace bc::sup
