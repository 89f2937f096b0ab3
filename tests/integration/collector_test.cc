// brocluster-collector with real supervisors, broker and fake nodes: automatic restarts
// (backoff, storm guard, exactly once across a collector restart), host liveness, the
// disk-space mail, `cron disable`, and log rotation and expiry.

#include <signal.h>

#include <filesystem>
#include <fstream>

#include "common/slot_file.h"
#include "messages/alert.h"
#include "messages/codec.h"
#include "tests/integration/supervisor_fixture.h"
#include "tests/support/json_reader.h"

namespace bc::test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

// The collector of a test cluster, started on the first host like the broker, plus a
// fake sendmail that appends every mail to a file.
class CollectorTest : public SupervisorTest {
 protected:
  SimOptions settings(std::vector<std::string> extra = {}) {
    mail_dir_ = std::make_unique<TempDir>();
    const std::string script = mail_dir_->path() + "/sendmail";
    mail_dir_->write("sendmail", "#!/bin/sh\n{ cat; echo '.'; } >> " + mails_path() + "\n");
    fs::permissions(script, fs::perms::owner_all);
    SimOptions s = supervisor_options();
    s.extra = {"SendMailCommand = " + script + " -t", "HostTimeout = 1", "RestartBackoffJitter = 0",
               "CronInterval = 3600", "StatsLogInterval = 0.5"};
    s.extra.insert(s.extra.end(), extra.begin(), extra.end());
    return s;
  }
  std::string mails_path() const { return mail_dir_->path() + "/mails.txt"; }
  std::string mails() const { return file_text(mails_path()); }

  std::string collector_endpoint() {
    const std::string cfg = file_text(host().base() + "/etc/cluster.cfg");
    const std::string key = "CollectorPort = ";
    const auto at = cfg.find(key);
    EXPECT_NE(at, std::string::npos) << cfg;
    if (at == std::string::npos) return {};
    const auto begin = at + key.size();
    return "tcp://" + host().name() + ":" + cfg.substr(begin, cfg.find('\n', begin) - begin);
  }

  void start_collector() {
    RunOptions o;
    o.timeout = std::chrono::seconds(20);
    const ProcessResult r =
        run_process({build_path("collector/brocluster-collector"), "--base", host().base()}, o);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    collector_pid_ = std::stoi(file_text(host().spool() + "/collector.pid"));
    // Its heartbeat on the bus: subscribed and serving.
    ASSERT_TRUE(tap().wait_for(
        [&](const BusEvent& e) {
          return e.heartbeat && e.heartbeat->role == "collector" &&
                 e.heartbeat->pid == collector_pid_;
        },
        kWait));
  }

  void kill_collector() {
    ASSERT_EQ(kill(collector_pid_, SIGKILL), 0);
    ASSERT_TRUE(poll_until([&] { return !pid_alive(collector_pid_); }, kWait));
  }

  msg::Reply query(const std::string& cmd) {
    Client c(ctx_, collector_endpoint(), cluster().security(),
             std::string(security::kBrokerKeyName));
    return c.call(cmd);
  }

  // The alerts of `kind` received since the tap started (or the last skip).
  std::vector<msg::Alert> alerts(std::string_view kind) {
    std::vector<msg::Alert> out;
    for (const auto& e : tap().all([](const BusEvent& e) { return e.type == "alert"; })) {
      auto a = msg::decode<msg::Alert>(e.body);
      if (a.is_ok() && a->kind == kind) out.push_back(*a);
    }
    return out;
  }
  std::optional<BusEvent> wait_alert(std::string_view kind, Millis timeout = kWait) {
    return tap().wait_for(
        [kind](const BusEvent& e) {
          if (e.type != "alert") return false;
          auto a = msg::decode<msg::Alert>(e.body);
          return a.is_ok() && a->kind == kind;
        },
        timeout);
  }

  std::int64_t running_pid(const std::string& node) { return pid_of(client().status_of(node)); }

  // Whether the collector has listed `host`'s crash records and kept the result in its
  // state file: its answer to `crashes` is dealt with.
  bool crash_records_listed(const std::string& host) {
    auto bytes = SlotFile(this->host().spool() + "/collector.state").load();
    if (!bytes.is_ok()) return false;
    auto state = msg::decode_value(*bytes);
    if (!state.is_ok()) return false;
    const msg::Value* ledger = state->find("crash_mail");
    const msg::Value* marks = ledger == nullptr ? nullptr : ledger->find("marks");
    return marks != nullptr && marks->find(host) != nullptr;
  }

  std::unique_ptr<TempDir> mail_dir_;
  zmq::context_t ctx_;
  pid_t collector_pid_ = 0;
};

TEST_F(CollectorTest, CrashedNodeIsRestartedAtOnceAndMailed) {
  ASSERT_NO_FATAL_FAILURE(start(1, settings()));
  ASSERT_NO_FATAL_FAILURE(start_collector());
  ASSERT_TRUE(client().call("start").ok);
  const std::int64_t old_pid = running_pid("worker-1");
  ASSERT_GT(old_pid, 0);
  tap().skip();
  ASSERT_EQ(kill(static_cast<pid_t>(old_pid), SIGKILL), 0);
  ASSERT_TRUE(tap().next(node_state(h(), "worker-1", "crashed"), kWait)) << tap().history();
  const auto back = tap().next(node_state(h(), "worker-1", "running"), kWait);
  ASSERT_TRUE(back) << tap().history();
  EXPECT_NE(back->state->pid, old_pid);
  EXPECT_EQ(running_pid("worker-1"), back->state->pid);
  EXPECT_EQ(pids_with_env(host().spool_env("worker-1")).size(), 1u);
  ASSERT_TRUE(poll_until(
      [&] { return mails().find("crash report: worker-1") != std::string::npos; }, kWait))
      << mails();
  EXPECT_THAT(mails(), HasSubstr("Subject: [Bro] crash report: worker-1 on " + h()));
  ASSERT_TRUE(poll_until(
      [&] {
        return file_text(host().spool() + "/stats.log").find("worker-1 action=restarted") !=
               std::string::npos;
      },
      kWait));
}

// Stats and crash reports are numbered with node events: seen as "gaps" they used to start
// reconciliations whose older status snapshot reported a crash already being repaired, which
// counted as a second crash and delayed the next restart by a backoff.
TEST_F(CollectorTest, RepeatedCrashesAreEachRestartedAtOnceWithoutReconciling) {
  ASSERT_NO_FATAL_FAILURE(start(
      1, settings({"StatsInterval = 0.05", "RestartStableTime = 0", "RestartStormCount = 1000"})));
  ASSERT_NO_FATAL_FAILURE(start_collector());
  ASSERT_TRUE(client().call("start").ok);
  constexpr int kCrashes = 8;
  for (int i = 0; i < kCrashes; ++i) {
    const std::int64_t old_pid = running_pid("worker-1");
    ASSERT_GT(old_pid, 0);
    tap().skip();
    ASSERT_EQ(kill(static_cast<pid_t>(old_pid), SIGKILL), 0);
    const auto back = tap().next(
        [&](const BusEvent& e) {
          return node_state(h(), "worker-1", "running")(e) && e.state->pid != old_pid;
        },
        kWait);
    ASSERT_TRUE(back) << "crash " << i << "\n" << tap().history();
    // Let the stats of the new process and the crash report go out between crashes.
    ASSERT_TRUE(tap().next([](const BusEvent& e) { return e.type == "node_stats"; }, kWait));
    // And the collector take its start's answer (its stats.log line): the answer and the
    // events travel apart, and a crash seen before it is held until it comes.
    ASSERT_TRUE(poll_until(
        [&] {
          return count_of(file_text(host().spool() + "/stats.log"), "worker-1 action=restarted") ==
                 static_cast<std::size_t>(i + 1);
        },
        kWait))
        << file_text(host().spool() + "/stats.log");
  }
  const std::string log = file_text(host().spool() + "/collector.log");
  EXPECT_EQ(count_of(log, "worker-1 on " + h() + " crashed (signal 9 (Killed)); restart in 0 ms"),
            kCrashes)
      << log;
  EXPECT_THAT(log, Not(HasSubstr("crashed again while being restarted"))) << log;
  EXPECT_THAT(log, Not(HasSubstr("sequence gap"))) << log;
}

TEST_F(CollectorTest, CrashLoopBacksOffThenFailsWithAStormAlert) {
  ASSERT_NO_FATAL_FAILURE(start(1, settings({"RestartStormCount = 3", "RestartStormWindow = 60"}),
                                {"env_vars=FAKE_CRASH_AFTER_MS=20"}));
  ASSERT_NO_FATAL_FAILURE(start_collector());
  tap().skip();
  (void)client().call("start", nodes_arg({"worker-1"}));
  const auto failed = tap().wait_for(node_state(h(), "worker-1", "failed"), Millis(20000));
  ASSERT_TRUE(failed) << tap().history();
  // RestartStormCount = 3: the third crash gives up (docs/CONFIG.md), so two restarts, and
  // their delays grow (0, 100 ms).
  // By the supervisor's stamps (one clock): when this test's tap read an event says more of
  // the machine's load than of the backoff, and the collector may hear of a crash before
  // the tap does (the supervisor's answer to its crash watch, docs/PROTOCOL.md).
  std::vector<double> gaps;
  int crashes = 0;
  bool after_crash = false;
  std::int64_t crashed_us = 0;
  for (const auto& e : tap().all(any_node_state(h(), "worker-1"))) {
    if (e.state->state == "crashed") {
      ++crashes;
      crashed_us = e.state->env.ts;
      after_crash = true;
    }
    if (e.state->state == "initializing" && after_crash) {
      gaps.push_back(static_cast<double>(e.state->env.ts - crashed_us) / 1000.0);
      after_crash = false;
    }
  }
  EXPECT_EQ(crashes, 3) << tap().history();
  ASSERT_EQ(gaps.size(), 2u) << tap().history();
  EXPECT_LT(gaps[0], 90);
  EXPECT_GE(gaps[1], 90);
  ASSERT_TRUE(wait_alert(msg::kAlertRestartStorm));
  EXPECT_EQ(str_field(client().status_of("worker-1"), "state"), "failed");
  EXPECT_EQ(str_field(client().status_of("manager"), "state"), "stopped");  // untouched
  ASSERT_TRUE(poll_until(
      [&] { return mails().find("restart storm: worker-1") != std::string::npos; }, kWait));
  ASSERT_TRUE(poll_until([&] { return count_of(mails(), "crash report: worker-1") == 3; }, kWait))
      << mails();
  // The mail of the crash that tripped the guard says so; the two before were restarted.
  const std::string all = mails();
  EXPECT_EQ(count_of(all, "terminated unexpectedly and is restarted by the collector"), 2u) << all;
  EXPECT_EQ(count_of(all,
                     "terminated unexpectedly and was NOT restarted: it crashed too often "
                     "(RestartStormCount 3 within 60 s)"),
            1u)
      << all;
  // `start` clears it.
  host().set_fake_env("worker-1", {"FAKE_CRASH_AFTER_MS=-1"});
  EXPECT_TRUE(client().call("start", nodes_arg({"worker-1"})).ok);
}

TEST_F(CollectorTest, CrashWhileTheCollectorIsDownIsRepairedExactlyOnceOnItsReturn) {
  ASSERT_NO_FATAL_FAILURE(start(2, settings()));
  ASSERT_NO_FATAL_FAILURE(start_collector());
  ASSERT_TRUE(client().call("start").ok);
  ASSERT_NO_FATAL_FAILURE(kill_collector());
  const std::int64_t old_pid = running_pid("worker-2");
  tap().skip();
  ASSERT_EQ(kill(static_cast<pid_t>(old_pid), SIGKILL), 0);
  ASSERT_TRUE(tap().next(node_state(h(), "worker-2", "crashed"), kWait));
  EXPECT_EQ(str_field(client().status_of("worker-2"), "state"), "crashed");  // nobody repairs it
  ASSERT_NO_FATAL_FAILURE(start_collector());
  ASSERT_TRUE(tap().next(node_state(h(), "worker-2", "running"), kWait)) << tap().history();
  // Give a second, wrong restart every chance to show up: two more heartbeats of ours.
  ASSERT_NO_FATAL_FAILURE(sync_bus());
  ASSERT_NO_FATAL_FAILURE(sync_bus());
  EXPECT_EQ(tap().all(node_state(h(), "worker-2", "initializing")).size(), 1u) << tap().history();
  EXPECT_EQ(pids_with_env(host().spool_env("worker-2")).size(), 1u);
  EXPECT_EQ(tap().all(node_state(h(), "worker-1", "initializing")).size(), 0u);
  // Its crash report was published to nobody; the collector found it in the host's crash
  // records and mailed it, once.
  ASSERT_TRUE(poll_until([&] { return crash_records_listed(h()); }, kWait));
  ASSERT_TRUE(poll_until(
      [&] { return mails().find("crash report: worker-2") != std::string::npos; }, kWait))
      << mails();
  EXPECT_EQ(count_of(mails(), "Subject: [Bro] crash report: worker-2"), 1u) << mails();
  EXPECT_THAT(mails(), HasSubstr("this report comes from the host's crash records"));
  EXPECT_EQ(count_of(mails(), "crash report: worker-1"), 0u);
}

TEST_F(CollectorTest, ACrashMailedLiveIsNotMailedAgainByACollectorKilledAndRestarted) {
  ASSERT_NO_FATAL_FAILURE(start(1, settings()));
  ASSERT_NO_FATAL_FAILURE(start_collector());
  ASSERT_TRUE(client().call("start").ok);
  tap().skip();
  ASSERT_EQ(kill(static_cast<pid_t>(running_pid("worker-1")), SIGKILL), 0);
  ASSERT_TRUE(tap().next(node_state(h(), "worker-1", "running"), kWait)) << tap().history();
  ASSERT_TRUE(poll_until(
      [&] { return mails().find("crash report: worker-1") != std::string::npos; }, kWait))
      << mails();
  // The mailer sends at least once: killed before it has reaped sendmail, the collector
  // sends the queued file again at its return (mailer.h). Wait until it has settled.
  tap().skip();
  ASSERT_TRUE(tap().wait_for(
      [&](const BusEvent& e) {
        return e.heartbeat && e.heartbeat->pid == collector_pid_ &&
               e.heartbeat->counters.count("mail_queued") == 1 &&
               e.heartbeat->counters.at("mail_queued") == 0;
      },
      kWait));
  ASSERT_NO_FATAL_FAILURE(kill_collector());  // no chance to save anything on its way out
  ASSERT_NO_FATAL_FAILURE(start_collector());
  // The restarted collector lists the record it mailed before it was killed, and skips it.
  ASSERT_TRUE(poll_until([&] { return crash_records_listed(h()); }, kWait));
  ASSERT_NO_FATAL_FAILURE(sync_bus());
  EXPECT_EQ(count_of(mails(), "Subject: [Bro] crash report: worker-1"), 1u) << mails();
  EXPECT_THAT(mails(), Not(HasSubstr("this report comes from the host's crash records")));
}

TEST_F(CollectorTest, SilentHostIsReportedDownNotRestartedAndUpAgain) {
  ASSERT_NO_FATAL_FAILURE(start(1, settings()));
  ASSERT_NO_FATAL_FAILURE(start_collector());
  ASSERT_TRUE(client().call("start").ok);
  const std::int64_t pid = running_pid("worker-1");
  // The start's answer comes straight back; its events take the bus, and may come later.
  ASSERT_TRUE(tap().wait_for(node_state(h(), "worker-1", "running"), kWait)) << tap().history();
  tap().skip();
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(kill(host().supervisor_pid(), SIGSTOP), 0);
  const auto down = wait_alert(msg::kAlertHostDown, Millis(5000));
  const msg::Reply snap = query("snapshot");  // while the host is still silent
  kill(host().supervisor_pid(), SIGCONT);
  ASSERT_TRUE(down) << tap().history();
  const double detect = std::chrono::duration<double>(down->received - t0).count();
  EXPECT_LT(detect, 1.0 + 1.0) << "HostTimeout 1 s + 1 s";
  ASSERT_TRUE(wait_alert(msg::kAlertHostUp, kWait)) << tap().history();
  EXPECT_EQ(running_pid("worker-1"), pid);  // not restarted, not crashed
  EXPECT_TRUE(tap().all(node_state(h(), "worker-1", "initializing")).empty());
  ASSERT_TRUE(snap.ok) << describe(snap);
  EXPECT_EQ(str_field(node_entry(snap, "worker-1"), "state"), "unreachable");
  ASSERT_TRUE(
      poll_until([&] { return mails().find("host down: " + h()) != std::string::npos; }, kWait));
}

// The four paths watched (BroBase, SpoolDir, LogDir, TmpDir) are on one filesystem here:
// one alarm and one mail naming them all (issue 18: four mails), and no more while it
// stays low.
TEST_F(CollectorTest, LowDiskSpaceIsMailedOncePerFilesystem) {
  ASSERT_NO_FATAL_FAILURE(start(1, settings({"MinDiskSpace = 100"})));
  ASSERT_NO_FATAL_FAILURE(start_collector());
  ASSERT_TRUE(wait_alert(msg::kAlertDiskSpace, kWait));
  const auto count_of = [](const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (std::size_t at = text.find(needle); at != std::string::npos;
         at = text.find(needle, at + 1)) {
      ++n;
    }
    return n;
  };
  // Several more stats intervals: still one.
  ASSERT_NO_FATAL_FAILURE(wait_on_bus_until(std::chrono::steady_clock::now(), 1.5));
  const std::string all = mails();
  EXPECT_EQ(count_of(all, "Subject: [Bro] low disk space on " + h()), 1u) << all;
  const std::string base = host().base();
  for (const std::string& path : {base, base + "/spool", base + "/logs", base + "/spool/tmp"})
    EXPECT_THAT(all, HasSubstr(path)) << all;
  ASSERT_NO_FATAL_FAILURE(wait_on_bus_until(std::chrono::steady_clock::now(), 1.0));
  EXPECT_EQ(mails(), all);
}

TEST_F(CollectorTest, CronDisableStopsRestartsAndEnableCatchesUp) {
  ASSERT_NO_FATAL_FAILURE(start(1, settings()));
  ASSERT_NO_FATAL_FAILURE(start_collector());
  ASSERT_TRUE(client().call("start").ok);
  const msg::Reply off = query("cron_disable");
  ASSERT_TRUE(off.ok) << describe(off);
  tap().skip();
  ASSERT_EQ(kill(static_cast<pid_t>(running_pid("worker-1")), SIGKILL), 0);
  ASSERT_TRUE(tap().next(node_state(h(), "worker-1", "crashed"), kWait));
  ASSERT_NO_FATAL_FAILURE(sync_bus());
  ASSERT_NO_FATAL_FAILURE(sync_bus());
  EXPECT_EQ(str_field(client().status_of("worker-1"), "state"), "crashed");
  EXPECT_TRUE(poll_until(
      [&] {
        return file_text(host().spool() + "/collector.log").find("cron is disabled") !=
               std::string::npos;
      },
      kWait));
  ASSERT_TRUE(query("cron_enable").ok);
  ASSERT_TRUE(tap().next(node_state(h(), "worker-1", "running"), kWait)) << tap().history();
}

TEST_F(CollectorTest, NoticesAreMailedOrRaisedAsAlertsByTheirActions) {
  ASSERT_NO_FATAL_FAILURE(start(1, settings()));
  fs::create_directories(host().node_dir("manager"));
  const std::string notice_log = host().node_dir("manager") + "/notice.log";
  std::ofstream(notice_log)
      << "#separator \\x09\n#path\tnotice\n"
         "#fields\tts\tnote\tmsg\tsrc\tpeer_descr\tactions\n"
         "#types\ttime\tenum\tstring\taddr\tstring\tset[enum]\n"
         "1700000000.0\tScan::Old\tbefore the collector\t198.18.0.1\tworker-1\t"
         "Notice::ACTION_LOG,Notice::ACTION_EMAIL\n";
  ASSERT_NO_FATAL_FAILURE(start_collector());
  tap().skip();
  std::ofstream(notice_log, std::ios::app)
      << "1700000001.0\tScan::Address_Scan\t198.18.0.9 scanned 30 hosts\t198.18.0.9\tworker-2\t"
         "Notice::ACTION_LOG,Notice::ACTION_EMAIL\n"
         "1700000002.0\tScan::Port_Scan\t198.18.0.7 scanned 20 ports\t198.18.0.7\tworker-1\t"
         "Notice::ACTION_ALARM\n"
         "1700000003.0\tWeird::Quiet\tonly logged\t198.18.0.5\tworker-1\tNotice::ACTION_LOG\n";
  ASSERT_TRUE(
      poll_until([&] { return mails().find("Scan::Address_Scan") != std::string::npos; }, kWait))
      << mails();
  EXPECT_THAT(mails(), HasSubstr("Subject: [Bro] ALERT: Scan::Address_Scan: 198.18.0.9 scanned"));
  EXPECT_THAT(mails(), HasSubstr("reported by: worker-2"));
  ASSERT_TRUE(wait_alert(msg::kAlertNotice));
  EXPECT_EQ(mails().find("Scan::Port_Scan"), std::string::npos);  // an alarm, not a mail
  EXPECT_EQ(mails().find("Weird::Quiet"), std::string::npos);
  // Every notice in the file counts once, those written before the collector came too.
  // (Each mail is a sendmail of its own, and two may finish in either order.)
  EXPECT_TRUE(poll_until([&] { return mails().find("Scan::Old") != std::string::npos; }, kWait))
      << mails();
  const std::string all = mails();
  const std::string subject = "Subject: [Bro] ALERT: Scan::Address_Scan";
  EXPECT_EQ(all.find(subject), all.rfind(subject)) << all;
}

TEST_F(CollectorTest, CronRotatesManagerLogsAndExpiresOldArchives) {
  ASSERT_NO_FATAL_FAILURE(
      start(1, settings({"LogRotationInterval = 1", "LogExpireInterval = 7",
                         "TraceSummary = " + build_path("collector/brocluster-trace-summary")})));
  const std::string logs = host().base() + "/logs";
  fs::create_directories(logs + "/2020-01-01");
  std::ofstream(logs + "/2020-01-01/conn.00:00:00-01:00:00.log.gz") << "old";
  fs::create_directories(host().node_dir("manager"));
  std::ofstream(host().node_dir("manager") + "/conn.log")
      << "#fields\tts\tid.orig_h\tid.resp_h\tid.resp_p\tproto\torig_bytes\tresp_bytes\n"
         "1700000000.0\t198.18.0.1\t198.18.0.2\t80\ttcp\t100\t900\n";
  ASSERT_NO_FATAL_FAILURE(start_collector());
  // The first pass starts the rotation interval; a later one rotates.
  (void)query("cron");
  ASSERT_TRUE(poll_until(
      [&] {
        const msg::Reply r = query("cron");
        return r.ok && describe(r).find("rotated logs: 1 archived") != std::string::npos;
      },
      kWait));
  EXPECT_FALSE(fs::exists(host().node_dir("manager") + "/conn.log"));
  EXPECT_FALSE(fs::exists(logs + "/2020-01-01"));
  bool archived = false;
  for (const auto& day : fs::directory_iterator(logs)) {
    for (const auto& f : fs::directory_iterator(day.path())) {
      archived = archived || f.path().filename().string().starts_with("conn.");
    }
  }
  EXPECT_TRUE(archived);
  // The manual's fourth mail: the TraceSummary program's output for the archived conn.log.
  ASSERT_TRUE(poll_until(
      [&] { return mails().find("Subject: [Bro] traffic summary") != std::string::npos; }, kWait))
      << mails();
  EXPECT_THAT(mails(), HasSubstr("1 connections, 1000 B"));
  EXPECT_THAT(mails(), HasSubstr("198.18.0.1"));
}

// `brocluster plot` draws the stats.log the collector wrote (issue 19): a PNG of the size
// asked for, an SVG with one series per node, crash and restart marks in its JSON twin.
TEST_F(CollectorTest, PlotDrawsTheStatsLogTheCollectorWrote) {
  ASSERT_NO_FATAL_FAILURE(start(2, settings()));
  ASSERT_NO_FATAL_FAILURE(start_collector());
  ASSERT_TRUE(client().call("start").ok);
  const std::int64_t old_pid = running_pid("worker-1");
  ASSERT_GT(old_pid, 0);
  ASSERT_EQ(kill(static_cast<pid_t>(old_pid), SIGKILL), 0);
  const std::string log = host().spool() + "/stats.log";
  // Samples before and after the crash, of each node.
  ASSERT_TRUE(poll_until(
      [&] {
        const std::string text = file_text(log);
        const auto restarted = text.find("worker-1 action=restarted");
        return restarted != std::string::npos &&
               text.find(" worker-1 worker cpu=", restarted) != std::string::npos &&
               text.find(" worker-2 worker cpu=", restarted) != std::string::npos;
      },
      kWait))
      << file_text(log);
  const auto plot = [&](const std::vector<std::string>& args) {
    return run_shell(host().base(), args, std::chrono::seconds(60));
  };
  const std::string png = host().tmp() + "/stats.png";
  auto r = plot({"plot", "--since", "1h", "--out", png, "--size", "800x600"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string image = file_text(png);
  ASSERT_GT(image.size(), 24u);
  EXPECT_EQ(image.substr(1, 3), "PNG");
  const auto be32 = [&](std::size_t at) {
    return (std::uint32_t(std::uint8_t(image[at])) << 24) |
           (std::uint32_t(std::uint8_t(image[at + 1])) << 16) |
           (std::uint32_t(std::uint8_t(image[at + 2])) << 8) | std::uint8_t(image[at + 3]);
  };
  EXPECT_EQ(be32(16), 800u);  // IHDR width
  EXPECT_EQ(be32(20), 600u);  // IHDR height

  const std::string svg_path = host().tmp() + "/stats.svg";
  r = plot({"plot", "--out", svg_path, "--metrics", "cpu", "worker-1", "worker-2"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string svg = file_text(svg_path);
  // One series per node, each named in the key (gnuplot's SVG: a group per series).
  EXPECT_EQ(count_of(svg, "<text>worker-1</text>"), 1u) << svg.substr(0, 2000);
  EXPECT_EQ(count_of(svg, "<text>worker-2</text>"), 1u);
  EXPECT_EQ(count_of(svg, "<text>manager</text>"), 0u);
  EXPECT_EQ(count_of(svg, "<g id=\"gnuplot_plot_"), 4u);  // 2 nodes + the 2 marks' key

  r = plot({"--json", "plot", "worker-1"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto json = Json::parse(r.out);
  ASSERT_TRUE(json) << r.out;
  EXPECT_GE((*json)["series"]["worker-1"].size(), 1u);
  EXPECT_TRUE((*json)["series"]["worker-2"].is_null());
  bool crashed = false, restarted = false;
  for (const Json& m : (*json)["marks"].array()) {
    crashed = crashed || m["action"].str() == "crashed";
    restarted = restarted || m["action"].str() == "restarted";
  }
  EXPECT_TRUE(crashed && restarted) << r.out;

  // In the terminal: a text plot naming the nodes; a range without samples says so.
  r = plot({"plot", "--size", "100x40"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("worker-2"));
  r = plot({"plot", "--until", "2000-01-02", "--since", "2000-01-01"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("no samples in " + log));
}

}  // namespace
}  // namespace bc::test
