#pragma once
// brocluster-collector: keeps the cluster healthy without anyone watching. It folds the
// whole bus into a ClusterView, restarts crashed nodes whose desired state is running
// (with backoff, manager first, and a restart-storm guard), notices hosts that stop
// sending heartbeats, writes stats.log, runs the periodic maintenance the manual calls
// `cron`, mails, and answers snapshot queries. Missed events (its own downtime, a broker
// restart, a sequence gap) are repaired by reconciliation against the supervisors'
// status. One event loop over zmq::poll; nothing in it blocks on the network.
// Constructed by main() or a test; run() on one thread.

#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <zmq.hpp>

#include "collector/cluster_view.h"
#include "collector/collector_options.h"
#include "collector/crash_mail_ledger.h"
#include "collector/crash_watch.h"
#include "collector/disk_watch.h"
#include "collector/event_intake.h"
#include "collector/host_liveness.h"
#include "collector/log_archiver.h"
#include "collector/mailer.h"
#include "collector/notice_order.h"
#include "collector/notice_watcher.h"
#include "collector/program_job.h"
#include "collector/restart_care.h"
#include "collector/stats_log.h"
#include "common/clock.h"
#include "common/slot_file.h"
#include "common/timer_queue.h"
#include "messages/alert.h"
#include "messages/crash.h"
#include "messages/heartbeat.h"
#include "messages/request.h"
#include "net/event_publisher.h"
#include "net/request_mux.h"
#include "security/request_gate.h"

namespace bc::collector {

class Collector {
 public:
  // `security` (may be nullptr: plain) must outlive the collector. The configuration is
  // copied: an install replaces it (reload_installed).
  Collector(zmq::context_t& ctx, const config::Cluster& cluster, const Clock& clock,
            const security::BusSecurity* security = nullptr);
  // With endpoints and settings given (in-process tests: inproc:// endpoints).
  Collector(zmq::context_t& ctx, const config::Cluster& cluster, CollectorOptions options,
            const Clock& clock, const security::BusSecurity* security = nullptr);

  // Binds the query socket, subscribes, and reconciles with every supervisor.
  Status start();
  void run();
  void request_stop() { stop_.store(true); }

  // One maintenance pass; returns what it did, one line per action (the shell's `cron`).
  std::vector<std::string> run_cron(bool forced);
  // One turn of the event loop (run() repeats it; in-process tests call it themselves).
  void poll_once();

  // Takes the configuration of the installed snapshot (SpoolDir/installed/current) when
  // its version is not the one in use: nodes added are cared for, nodes removed are let go,
  // restart settings apply from the next crash (docs/DECISIONS.md, "The collector follows
  // install"). A snapshot that does not load is logged (file:line) and the configuration
  // in use stays. Returns the version in use afterwards ("" for the edited files).
  Result<std::string> reload_installed(const std::string& why);

 private:
  struct NodeCare {  // restart care per node: the table's position, and its timer
    RestartCare care;
    TimerQueue::TimerId timer = 0;
    // What became of each crash heard of, oldest first, for its crash mail (the report
    // follows the node_state event: docs/PROTOCOL.md). Bounded.
    std::deque<std::string> fates;
  };
  // Routine reconciliations (logged at debug); any other reason means events were lost.
  static constexpr std::string_view kWhyStart = "collector start";
  static constexpr std::string_view kWhyCron = "cron";
  // How often the installed snapshot's version is compared with the one in use.
  static constexpr Duration kInstallCheck{1000};
  // Reads up to `max` bus messages; how many it read (fewer: the socket is empty).
  int on_bus(int max = 256);
  void on_event(std::string_view topic, std::string_view body);
  void on_heartbeat(const msg::Heartbeat& hb);
  void note_sequence(const msg::Envelope& env, std::string_view type, std::string_view body);
  void on_node_state(const msg::NodeStateChange& e);
  // A crash told by its supervisor's answer to our watch, before the bus has it.
  void on_crash_notice(const msg::NodeStateChange& e);
  void on_crash_report(const msg::CrashReport& r);
  // Alerts and mails a crash once, whichever way it reached us (`late`: by asking).
  void report_crash(const msg::CrashReport& r, bool late);
  // Asks `host` for the crash records that ended after `since`; mails the ones we missed.
  void fetch_crashes(const std::string& host, std::int64_t since);
  void on_crash_records(const std::string& host, const msg::Value& result);
  void on_host_stats(const msg::HostStats& s);
  void on_query();
  msg::Reply answer_query(const msg::Request& request);

  // Restart care (collector_restart.cc): feeds the node's RestartCare table and performs
  // the actions it returns.
  void care_event(NodeView& node, CareEvent event, const std::string& why);
  CareFacts care_facts(const NodeView& node) const;
  void send_start(const std::string& name);
  bool manager_down() const;
  // Every node waiting for the manager re-derives its position (after any news of it).
  void manager_news();
  void give_up(NodeView& node, int crashes);
  // "is restarted by the collector", or why not: for the crash mail of the oldest crash of
  // the node not mailed yet.
  std::string crash_fate(const std::string& node_name);
  std::string fate_text(const NodeCare& care, const CareStep& step) const;
  void mark_failed(const NodeView& node);
  NodeCare& care_of(const NodeView& node);
  void check_installed();
  void apply_configuration(config::Cluster cluster, const std::string& version);
  void reconcile(const std::string& host, const std::string& why);
  void apply_status(const std::string& host, const msg::Value& result);
  // Takes a supervisor's status of `node` into the view, unless an event it published
  // after the status was taken has been applied already; whether it was taken.
  bool take_node_status(NodeView& node, const msg::Value& status);
  // Host and bus liveness (collector_liveness.cc, verdicts by host_liveness.h).
  static constexpr Duration kHostCheck{100};
  void check_hosts();
  void drain_sockets();
  void ping_host(const std::string& host);
  void heard_from_supervisor(const std::string& host);
  void bus_down();
  void bus_up();
  // Every kNoticeCheck: notices of the manager's notice.log mailed (ACTION_EMAIL) or
  // raised as alert.notice (ACTION_ALARM).
  static constexpr Duration kNoticeCheck{1000};
  // How long a crash record found by asking, that ended this recently, waits for its live
  // `crash` report before it is mailed as one the collector did not hear of.
  static constexpr Duration kLiveReportGrace{2000};
  void check_notices();
  void summarize_traffic(const std::vector<std::string>& archived, std::vector<std::string>& done);
  void host_down(HostView& host);
  void host_up(HostView& host);

  void alert(std::string_view kind, const std::string& severity, const std::string& message,
             const std::string& host = {}, const std::string& node = {});
  void action(const std::string& host, const std::string& node, const std::string& what,
              const std::string& detail = {});
  void write_stats();
  void publish_heartbeat();
  msg::Value snapshot() const;
  void save_state();
  void load_state();
  double unix_now() const;

  config::Cluster cluster_;        // the installed snapshot's (or the edited files' until one is)
  std::string installed_version_;  // of cluster_; "" for the edited files
  std::string failed_version_;     // an installed version that did not load (logged once)
  const security::BusSecurity* security_;
  CollectorOptions options_;
  const Clock& clock_;
  zmq::socket_t sub_;
  zmq::socket_t query_;
  net::EventPublisher events_;
  net::RequestMux requests_;  // to the supervisors, one peer per host
  CrashWatch crash_watch_;
  NoticeOrder notice_order_;
  security::RequestGate request_gate_;
  TimerQueue timers_;
  ClusterView view_;
  EventIntake intake_;  // events believed or dropped (docs/SECURITY.md)
  HostLiveness liveness_;
  std::map<std::string, NodeCare> care_;
  Mailer mailer_;
  StatsLog stats_log_;
  LogArchiver archiver_;
  DiskWatch disk_watch_;
  CrashMailLedger crash_mail_;
  SlotFile state_file_;  // SpoolDir/collector.state.{a,b}
  NoticeWatcher notices_;
  ProgramJobs programs_;
  std::deque<msg::Alert> recent_alerts_;     // for snapshots
  std::vector<msg::Alert> interval_alerts_;  // for the rotation summary mail
  std::mt19937_64 rng_;
  bool cron_enabled_;
  std::int64_t last_rotation_us_ = 0;
  SteadyTime started_;
  std::atomic<bool> stop_{false};
};

}  // namespace bc::collector
