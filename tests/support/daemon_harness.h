#pragma once
// Test support for integration tests that run the real daemons. A TestCluster is one
// cluster on this machine: each simulated host (TestHost) has its own loopback address
// (127.0.0.2, 127.0.0.3, ...), which is its node.cfg host= value, and its own BroBase in a
// temporary directory; the cluster's ports are chosen per test so that test processes can
// run in parallel. start() writes etc/cluster.cfg and etc/node.cfg into every BroBase
// (NodeProgram = the fake node, short timeouts), starts brocluster-broker on the first
// host and a detached brocluster-supervisor per host, and waits for each one's heartbeat
// on the bus through its EventTap, so the subscription is known to be in place.
//
// The destructor kills the daemons and every process they started — nodes, exec jobs,
// gdb — found in /proc by their environment (CLUSTER_BASE, HOME) or working directory
// under one of the BroBases, and removes the BroBases, also when the test failed.
// Owned by one test thread.

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "common/status.h"
#include "tests/support/bus_client.h"
#include "tests/support/run_process.h"

namespace bc::test {

// Polls `predicate` every `interval` until it holds or `timeout` passes; for state that no
// event announces (files, /proc). Returns the predicate's last value.
bool wait_until(const std::function<bool()>& predicate, Millis timeout = Millis(5000),
                Millis interval = Millis(10));

// /proc helpers.
// True while `pid` exists and is not a zombie.
bool process_alive(pid_t pid);
// Processes whose environment holds exactly `entry` ("CLUSTER_SPOOL=/x/spool/worker-1").
std::vector<pid_t> processes_with_env(const std::string& entry);
// Processes that belong to a BroBase: CLUSTER_BASE or HOME equal to it, the cwd under it,
// or its path in the command line.
std::vector<pid_t> processes_under(const std::string& base);
// The whole file; empty when it cannot be read.
std::string read_text(const std::string& path);

// Timeouts and intervals of the test cluster, in seconds (cluster.cfg), kept small.
struct ClusterSettings {
  double ready_grace = 0.3;
  double stop_timeout = 1.0;
  double start_timeout = 10.0;
  double heartbeat = 0.1;
  double stats = 0.5;
  std::string bro_args;
  std::vector<std::string> extra_options;  // more cluster.cfg lines, "Key = Value"
};

class TestHost {
 public:
  explicit TestHost(std::string address) : address_(std::move(address)) {}

  // The node.cfg host= value, the host in topics, and the address the supervisor binds.
  const std::string& name() const { return address_; }
  const std::string& base() const { return base_.path(); }
  std::string spool() const { return base() + "/spool"; }
  std::string tmp() const { return spool() + "/tmp"; }
  std::string node_dir(const std::string& node) const { return spool() + "/" + node; }
  std::string crash_root(const std::string& node) const { return tmp() + "/crashes/" + node; }
  // The crash records of `node`, oldest first.
  std::vector<std::string> crash_records(const std::string& node) const;
  // Writes $CLUSTER_SPOOL/fake.env: fake-node behaviour for the next start of `node`,
  // overriding node.cfg's env_vars ("FAKE_CRASH_AFTER_MS=200").
  void set_fake_env(const std::string& node, const std::vector<std::string>& lines) const;
  // "CLUSTER_SPOOL=<node dir>", for processes_with_env().
  std::string spool_env(const std::string& node) const { return "CLUSTER_SPOOL=" + node_dir(node); }

  pid_t supervisor_pid() const { return supervisor_pid_; }
  const std::string& supervisor_endpoint() const { return endpoint_; }

 private:
  friend class TestCluster;
  std::string address_;
  TempDir base_;
  std::string endpoint_;
  pid_t supervisor_pid_ = 0;
};

class TestCluster {
 public:
  explicit TestCluster(ClusterSettings settings = {});
  ~TestCluster();
  TestCluster(const TestCluster&) = delete;
  TestCluster& operator=(const TestCluster&) = delete;

  // Adds a simulated host with the next loopback address. The first host runs the broker.
  TestHost& add_host();
  // Adds a node; `lines` are more node.cfg lines ("pin_cpus=0", "env_vars=FAKE_X=1").
  void add_node(const TestHost& host, const std::string& name, const std::string& type,
                const std::vector<std::string>& lines = {});
  // A manager, a proxy and `workers` workers named worker-1.. on `host`.
  void add_standard_nodes(const TestHost& host, int workers,
                          const std::vector<std::string>& worker_lines = {});

  // Writes the configuration, starts the broker, the tap and every supervisor.
  Status start();
  Status start_broker();
  // Starts the supervisor of `host` detached and waits until it serves and its heartbeat
  // arrives on the tap.
  Status start_supervisor(TestHost& host);
  // Runs `brocluster-supervisor --base <base> --host <host>` and returns how it ended
  // (for start-up failures); does not track the pid.
  ProcessResult run_supervisor(const TestHost& host) const;
  // Sends `sig` to the supervisor of `host`; waits until it is gone.
  Status kill_supervisor(TestHost& host, int sig);

  Client client(const TestHost& host) {
    return Client(ctx_, host.supervisor_endpoint(), security_.get(), host.name());
  }
  // The admin's CURVE setup (the cluster runs encrypted, as by default); set by start().
  const security::BusSecurity* security() const { return security_.get(); }
  EventTap& tap() { return *tap_; }
  bool has_tap() const { return tap_ != nullptr; }
  TestHost& host(std::size_t i) { return *hosts_.at(i); }
  const ClusterSettings& settings() const { return settings_; }
  std::string broker_sub_endpoint() const;

  // The daemons' log files, for a failing test's output.
  void dump_logs(std::ostream& out) const;

 private:
  void write_config() const;
  std::string cluster_cfg() const;
  void kill_everything();

  ClusterSettings settings_;
  int port_base_ = 0;  // BrokerPubPort; BrokerSubPort, SupervisorPort, CollectorPort follow
  zmq::context_t ctx_;
  std::shared_ptr<const security::BusSecurity> security_;
  std::vector<std::unique_ptr<TestHost>> hosts_;
  std::string node_cfg_;
  pid_t broker_pid_ = 0;
  std::unique_ptr<EventTap> tap_;
};

}  // namespace bc::test
