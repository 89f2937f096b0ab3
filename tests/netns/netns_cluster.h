#pragma once
// The manual's example cluster on four real network namespaces (issue 9):
//
//   host1: manager, proxy-1, and brocluster-broker, brocluster-collector, the shell
//   host2: worker-1      host3: worker-2      host4: worker-3
//
// (or, with lb_procs = n, worker-1..3 as lb_procs groups worker-k-1..worker-k-n). Every
// host runs its own brocluster-supervisor inside its namespace (`ip netns exec`) with a
// BroBase of its own under one temp dir (bcnetns-<pid>-<k>/hostN); node.cfg names hosts by
// their addresses. The node program is the test-only fake node (tests/fake_node), which
// makes crashes and crash loops a matter of a line in $CLUSTER_SPOOL/fake.env; a section may
// name another program (the reference brocluster-node) in its node lines.
//
// After writing the configuration, start() runs `brocluster keygen` on host1's BroBase
// and, when that created etc/keys, copies it (modes kept) to the other BroBases before any
// daemon starts, so that the suite runs encrypted once security (issue 8) is there.
// Mail goes to a fake sendmail that appends every message to mails().
//
// The destructor kills everything the cluster started (every process in its namespaces,
// and anything else working in its BroBases), deletes the namespaces and removes the temp
// dir, also when the test failed. Owned by one test thread.

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "tests/netns/netns_network.h"
#include "tests/support/cluster_harness.h"
#include "tests/support/json_reader.h"
#include "tests/support/run_process.h"

namespace bc::test {

struct NetnsOptions {
  int lb_procs = 0;  // > 0: each worker section has lb_procs=<n>
  // The scale layout (bench/scale_bench.cc): > 0 gives host1 the manager and `proxies`
  // proxies, and each of the other `hosts` - 1 hosts one worker section worker-<k> with
  // lb_procs=<workers_per_host> (nodes worker-<k>-1 ...). 0: the manual's example cluster.
  int hosts = 4;
  int workers_per_host = 0;
  int proxies = 1;
  bool collector = true;  // also off when $BROCLUSTER_NETNS_DISABLE contains "collector"
  double comm_timeout = 2;
  double heartbeat = 0.2;
  double host_timeout = 2;
  std::vector<std::string> extra;                              // more cluster.cfg lines
  std::map<std::string, std::vector<std::string>> node_lines;  // section -> more lines
};

class NetnsCluster {
 public:
  // Hosts of the manual's example layout (the default).
  static constexpr int kHosts = 4;

  explicit NetnsCluster(NetnsOptions options = {});
  ~NetnsCluster();
  NetnsCluster(const NetnsCluster&) = delete;
  NetnsCluster& operator=(const NetnsCluster&) = delete;

  // Builds the network, writes the configuration (and keys), starts the broker, every
  // supervisor and the collector; each returns once serving.
  Status start();
  Status start_broker();
  Status start_collector();
  Status start_supervisor(int host);
  // Sends `sig` and waits until the daemon is gone.
  Status kill_broker(int sig);
  Status kill_collector(int sig);
  Status kill_supervisor(int host, int sig);
  pid_t broker_pid() const { return broker_pid_; }
  pid_t collector_pid() const { return collector_pid_; }
  pid_t supervisor_pid(int host) const { return supervisor_pids_.at(host); }
  bool collector_enabled() const { return collector_; }

  // The host's cable down / up.
  Status link_down(int host) { return net_->link_down(host); }
  Status link_up(int host) { return net_->link_up(host); }

  int hosts() const { return hosts_; }
  std::string address(int host) const { return net_->address(host); }
  std::string ns(int host) const { return net_->ns(host); }
  std::string base(int host) const { return root_ + "/host" + std::to_string(host + 1); }
  std::string spool(int host) const { return base(host) + "/spool"; }
  NetnsNetwork& net() { return *net_; }

  // Node names, lb_procs expanded, in node.cfg order; the host a node runs on.
  const std::vector<std::string>& nodes() const { return nodes_; }
  std::vector<std::string> workers() const;
  int host_of(const std::string& node) const { return node_host_.at(node); }
  std::string node_dir(const std::string& node) const { return spool(host_of(node)) + "/" + node; }
  // The node's processes inside its host's namespace (one when it runs).
  std::vector<pid_t> node_pids(const std::string& node) const;
  // Its processes anywhere on the machine (any namespace): a double start shows here.
  std::vector<pid_t> node_pids_anywhere(const std::string& node) const;
  // Crash record directories of `node` on its host, oldest first.
  std::vector<std::string> crash_records(const std::string& node) const;
  // Writes $CLUSTER_SPOOL/fake.env for the next start of `node`.
  void set_fake_env(const std::string& node, const std::vector<std::string>& lines) const;

  // `brocluster --base <host1 base> <args...>` inside host1's namespace, to completion.
  ProcessResult shell(const std::vector<std::string>& args, Millis timeout = Millis(30000)) const;
  std::vector<std::string> shell_argv(const std::vector<std::string>& args) const;
  // Every mail the collector sent, as the fake sendmail received them.
  std::string mails() const;
  // The daemons' logs of every host, for a failing test's output.
  std::string logs() const;

 private:
  struct Section {
    std::string name;
    std::string type;
    int host;
    int lb_procs;  // 0: a single node
  };
  // node.cfg's sections, in order, for options_.
  std::vector<Section> sections() const;
  void write_config();
  Status make_keys();
  Status run_daemon(int host, const std::string& exe, const std::string& pid_file, pid_t& pid,
                    bool with_host);
  Status kill_daemon(pid_t& pid, int sig, const std::string& what);
  void kill_everything();

  NetnsOptions options_;
  int hosts_;
  bool collector_ = true;
  std::unique_ptr<NetnsNetwork> net_;
  std::string root_;
  std::vector<std::string> nodes_;
  std::map<std::string, int> node_host_;
  pid_t broker_pid_ = 0;
  pid_t collector_pid_ = 0;
  std::vector<pid_t> supervisor_pids_;
};

// The bus as `brocluster tap --json node. crash. alert. hb.` prints it, run inside host1's
// namespace: every event with the moment this test read it.
class BusTap {
 public:
  struct Event {
    Json json;
    std::chrono::steady_clock::time_point at;
  };
  using Pred = std::function<bool(const Json&)>;

  explicit BusTap(const NetnsCluster& cluster);
  // Waits until the tap is subscribed (a supervisor heartbeat arrived).
  bool ready(Millis timeout);
  // The first event after the mark (or after the last one returned) for which `pred` holds;
  // its `at` is when it was published (its "ts"), else when it was read.
  std::optional<Event> wait(const Pred& pred, Millis timeout);
  // Forget what came before: later waits and all() start after it. First waits (up to
  // 5 s) for a heartbeat published after this call from every supervisor, so that all
  // they published before (the events of a command just answered) is behind the mark.
  void mark();
  // The events since the mark for which `pred` holds (reads what has arrived first).
  std::vector<Event> all(const Pred& pred);
  // Every event since the tap started for which `pred` holds (reads what has arrived first).
  std::vector<Event> ever(const Pred& pred);
  // Later waits start again at the mark (to wait for several events in any order).
  void rewind() { cursor_ = mark_; }
  // Readable history since the mark, for a failing test's output.
  std::string history() const;
  // The tap's own process (it runs inside host1's namespace).
  pid_t pid() const { return process_->pid(); }

 private:
  void pump(Millis timeout);
  std::vector<Event> matching(const Pred& pred, std::size_t from);
  std::vector<std::string> hosts_;
  std::unique_ptr<BackgroundProcess> process_;
  std::vector<Event> events_;
  std::size_t mark_ = 0;
  std::size_t cursor_ = 0;
};

// Predicates on tap events.
BusTap::Pred node_state_is(const std::string& node, const std::string& state);
BusTap::Pred crash_of(const std::string& node);
BusTap::Pred alert_is(const std::string& kind, const std::string& host = "");
BusTap::Pred heartbeat_of(const std::string& role, const std::string& host = "");

// Milliseconds between two moments.
double ms_between(std::chrono::steady_clock::time_point from,
                  std::chrono::steady_clock::time_point to);

// Prints the machine-readable result line scripts/reliability.sh collects:
// RELIABILITY {"scenario":...,"fault":...,"detect_ms":...,"repair_ms":...}
// (a negative time is printed as null: not applicable).
void report_times(const std::string& scenario, const std::string& fault, double detect_ms,
                  double repair_ms);

// `status` output as rows: cells by node name (first column).
std::map<std::string, std::vector<std::string>> status_rows(const std::string& out);

}  // namespace bc::test
