#pragma once
// Test support for the cluster integration tests: a whole cluster on this machine run as
// separate processes — brocluster-broker, one brocluster-supervisor per simulated host,
// and the shell `brocluster` as a user runs it.
//
// A simulated host (SimHost) is a loopback address (127.0.0.2, 127.0.0.3, ...) used as its
// node.cfg host= value, with a BroBase of its own (a temp dir): cluster.cfg and node.cfg
// are the same on every host, SpoolDir etc. differ because they follow the BroBase. The
// broker runs from the first host's BroBase. Ports come from 21000-26999, chosen from the
// process id and a counter and checked free, so parallel test processes do not collide.
//
// SimCluster's destructor ends every process it started — the daemons by their pid files,
// the nodes (and anything else working there) by scanning /proc for the BroBases in
// CLUSTER_SPOOL/CLUSTER_BASE, the command line or the cwd — and removes the BroBases,
// also when the test failed. Background processes (a `tap`, a second shell) are
// BackgroundProcess objects that kill their process group when destroyed.
//
// A test talks to the daemons through the shell (shell()), through its own Client of a
// supervisor (client()), and, with SimOptions::event_tap, through an in-process EventTap on
// the bus (tap()) that start() has heard the broker and every supervisor on, so that no
// event after start() is missed. The /proc and file helpers are in processes.h.
//
// Nothing here sleeps to synchronise: waits are on process exit, output lines, bus events
// or polled state, each with a deadline. Owned by one test thread.

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>
#include <zmq.hpp>

#include "common/clock.h"
#include "common/status.h"
#include "security/bus_security.h"
#include "tests/support/bus_client.h"
#include "tests/support/json_reader.h"
#include "tests/support/processes.h"
#include "tests/support/run_process.h"

namespace bc::test {

// ---- processes

// A process running beside the test, its stdout read line by line with deadlines.
// stderr is collected too. Killed (its process group) when destroyed.
class BackgroundProcess {
 public:
  explicit BackgroundProcess(const std::vector<std::string>& argv,
                             const std::vector<std::pair<std::string, std::string>>& env = {});
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  // The next stdout line (after those returned before) for which `pred` holds; lines
  // skipped on the way are kept in lines(). nullopt at the deadline or at end of output.
  std::optional<std::string> next_line(const std::function<bool(const std::string&)>& pred,
                                       Millis timeout);
  // Every line read so far.
  const std::vector<std::string>& lines() const { return lines_; }
  // Stops reading stdout (the reader "goes away", as `head` does).
  void close_stdout();
  // Waits for the exit; the exit code, or -1 (killed by a signal, or still running at the
  // deadline). Reads what is left of the output meanwhile.
  int wait_exit(Millis timeout);
  bool exited() const { return exited_; }
  int signal_number() const { return signal_; }
  void send_signal(int sig);
  pid_t pid() const { return pid_; }
  std::string stderr_text();
  std::string stdout_text() const;

 private:
  // Reads what is available within `wait` into the buffers; false at end of stdout.
  void pump(Millis wait);
  bool reap(bool block);

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::string partial_;
  std::string err_;
  std::vector<std::string> lines_;
  std::size_t cursor_ = 0;
  bool exited_ = false;
  int exit_code_ = -1;
  int signal_ = 0;
};

// Test ports: `count` consecutive free ports in 21000-26999 (outside 27759-27770), from
// the pid and a per-process counter.
int choose_port_block(int count);

// ---- the simulated cluster

struct SimOptions {
  double comm_timeout = 3;
  double heartbeat = 0.2;
  double ready_grace = 0.2;
  double stop_timeout = 2;
  double start_timeout = 10;
  double stats = 1;
  std::vector<std::string> extra;  // more cluster.cfg lines ("Key = Value")
  // start() opens tap() and waits until the broker's and every supervisor's heartbeat
  // arrive on it.
  bool event_tap = false;
};

class SimHost {
 public:
  explicit SimHost(std::string address) : address_(std::move(address)) {}
  // The node.cfg host= value and the address its supervisor binds.
  const std::string& name() const { return address_; }
  const std::string& base() const { return base_.path(); }
  std::string spool() const { return base() + "/spool"; }
  std::string node_dir(const std::string& node) const { return spool() + "/" + node; }
  std::string tmp() const { return spool() + "/tmp"; }
  std::string crash_root(const std::string& node) const { return tmp() + "/crashes/" + node; }
  // The crash record directories of `node`, oldest first.
  std::vector<std::string> crash_records(const std::string& node) const;
  // Writes $CLUSTER_SPOOL/fake.env: fake-node behaviour for the next start of `node`,
  // overriding node.cfg's env_vars ("FAKE_CRASH_AFTER_MS=200").
  void set_fake_env(const std::string& node, const std::vector<std::string>& lines) const;
  // "CLUSTER_SPOOL=<node dir>", for pids_with_env().
  std::string spool_env(const std::string& node) const { return "CLUSTER_SPOOL=" + node_dir(node); }
  pid_t supervisor_pid() const { return supervisor_pid_; }

 private:
  friend class SimCluster;
  std::string address_;
  TempDir base_;
  pid_t supervisor_pid_ = 0;
};

class SimCluster {
 public:
  explicit SimCluster(SimOptions options = {});
  ~SimCluster();
  SimCluster(const SimCluster&) = delete;
  SimCluster& operator=(const SimCluster&) = delete;

  // A host with the next loopback address; the first one runs the broker.
  SimHost& add_host();
  // A node.cfg section; `lines` are more of its lines ("interface=lo", "lb_procs=5").
  void add_node(const SimHost& host, const std::string& name, const std::string& type,
                const std::vector<std::string>& lines = {});
  // A manager, proxy-1 and `workers` workers named worker-1.. on `host`, each worker with
  // `worker_lines`.
  void add_standard_nodes(const SimHost& host, int workers,
                          const std::vector<std::string>& worker_lines = {});

  // Writes the configuration into every BroBase and starts the broker and every
  // supervisor (each returns once serving). Retries with other ports when one is taken.
  Status start();
  Status start_broker();
  Status start_supervisor(SimHost& host);
  // Runs `brocluster-supervisor --base <base> --host <host>` and returns how it ended (for
  // start-up failures); does not track the pid.
  ProcessResult run_supervisor(const SimHost& host) const;
  // Sends `sig` to the broker / a supervisor and waits until it is gone.
  Status kill_broker(int sig);
  Status kill_supervisor(SimHost& host, int sig);
  pid_t broker_pid() const { return broker_pid_; }

  // `brocluster --base <host1 base> <args...>`, to completion (killed at `timeout`).
  ProcessResult shell(const std::vector<std::string>& args, Millis timeout = Millis(30000)) const;
  // The same, running in the background.
  std::unique_ptr<BackgroundProcess> shell_background(const std::vector<std::string>& args) const;
  std::vector<std::string> shell_argv(const std::vector<std::string>& args) const;

  // The live processes of a node (found by CLUSTER_SPOOL): one when it runs.
  std::vector<pid_t> node_pids(const std::string& node) const;
  // The host a node was added on.
  const SimHost& host_of(const std::string& node) const;
  SimHost& host(std::size_t i) { return *hosts_.at(i); }
  std::size_t host_count() const { return hosts_.size(); }
  const std::vector<std::string>& node_names() const { return node_names_; }
  std::string broker_sub_endpoint() const;
  std::string supervisor_endpoint(const SimHost& host) const;
  // The admin's CURVE setup, for a test's own clients (after start()).
  const security::BusSecurity* security() const { return security_.get(); }
  // A client of the supervisor of `host`, as the admin (after start()).
  Client client(const SimHost& host);
  // The bus as seen since start() (with SimOptions::event_tap).
  EventTap& tap() { return *tap_; }
  bool has_tap() const { return tap_ != nullptr; }

  // Daemon logs of every host, for a failing test's output.
  std::string logs() const;
  // Kills every process of the cluster (also done by the destructor).
  void kill_everything();

 private:
  void write_config() const;
  std::vector<std::string> bases() const;

  SimOptions options_;
  zmq::context_t ctx_{1};  // of client() and tap(); outlives them
  int port_base_ =
      0;  // BrokerPubPort; +1 BrokerSubPort, +2 SupervisorPort, +3 CollectorPort, +4 WebPort
  std::vector<std::unique_ptr<SimHost>> hosts_;
  std::string node_cfg_;
  std::vector<std::string> node_names_;
  std::map<std::string, std::size_t> node_host_;
  pid_t broker_pid_ = 0;
  std::shared_ptr<const security::BusSecurity> security_;
  std::unique_ptr<EventTap> tap_;
};

// The next line of `process` (a `tap --json` or monitor) that is a JSON object for which
// `pred` holds.
std::optional<Json> next_json(BackgroundProcess& process,
                              const std::function<bool(const Json&)>& pred, Millis timeout);
// Predicates on events as `tap --json` prints them.
std::function<bool(const Json&)> is_heartbeat(const std::string& host, const std::string& role);
std::function<bool(const Json&)> is_node_state(const std::string& node, const std::string& state);
std::function<bool(const Json&)> is_crash(const std::string& node);
// Waits until every (node, state) pair has been seen, in any order; the pairs not seen.
std::vector<std::string> await_states(BackgroundProcess& process,
                                      const std::vector<std::string>& nodes,
                                      const std::string& state, Millis timeout);

// The crash record directories in `crash_root` (<spool>/tmp/crashes/<node>), oldest first.
std::vector<std::string> crash_records_in(const std::string& crash_root);
// Writes <node_dir>/fake.env ($CLUSTER_SPOOL/fake.env): fake-node behaviour for the node's
// next start.
void write_fake_env(const std::string& node_dir, const std::vector<std::string>& lines);

// Lines of `text`.
std::vector<std::string> split_lines(const std::string& text);
// `status` output as rows: cells by node name (first column; the header line skipped).
std::map<std::string, std::vector<std::string>> status_rows(const std::string& out);
// The first line of `text` containing `needle`; npos-like -1 when none. For order checks.
long line_index(const std::string& text, const std::string& needle);

}  // namespace bc::test
