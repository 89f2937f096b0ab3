// The scale benchmark (issues 15 and 20): a cluster of `--hosts` simulated hosts in real
// network namespaces (tests/netns: addresses from 198.18.0.0/15 on a bridge of its own,
// all removed at the end), host1 with the manager, the proxies and the broker, collector
// and shell, every other host with `--workers` workers (one lb_procs section each), the
// test-only fake node as node program, the encrypted bus and the default timeouts
// (HeartbeatInterval 1 s, HostTimeout 3 s, CommTimeout 5 s).
//
//   scale_bench [--hosts 51] [--workers 20] [--runs 3] [--kill 100] [--idle 10] [--quick]
//
// Measures, per run: `brocluster start` until it returns with every node running, a
// one-shot `brocluster status` (5 times), `brocluster stop` until every node is gone; once,
// before the last stop:
// `--kill` workers killed at once (spread over the hosts) until each has a new pid
// running on the bus; the daemons' RSS and CPU while idle for `--idle` seconds with
// every node running. Throughout, every host-down/host-up/bus-down alert on the bus is counted:
// the bar is zero. Prints a table and one `SCALE {...}` JSON line.
// Needs root (network namespaces); exits 77 (skipped) without.

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/netns/netns_cluster.h"

namespace bc::test {
namespace {

using SteadyClock = std::chrono::steady_clock;

struct Args {
  int hosts = 51;
  int workers = 20;
  int runs = 3;
  int kill = 100;
  int idle_s = 10;
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto next = [&] {
      if (i + 1 >= argc) {
        std::cerr << "scale_bench: " << arg << " needs a value\n";
        std::exit(2);
      }
      return std::atoi(argv[++i]);
    };
    if (arg == "--hosts") {
      a.hosts = next();
    } else if (arg == "--workers") {
      a.workers = next();
    } else if (arg == "--runs") {
      a.runs = next();
    } else if (arg == "--kill") {
      a.kill = next();
    } else if (arg == "--idle") {
      a.idle_s = next();
    } else if (arg == "--quick") {
      a = {5, 4, 1, 4, 2};
    } else {
      std::cerr << "scale_bench: unknown argument " << arg << "\n";
      std::exit(2);
    }
  }
  return a;
}

double median(std::vector<double> v) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// utime + stime of `pid`, in clock ticks; RSS in KiB.
struct ProcSample {
  long ticks = 0;
  long rss_kib = 0;
};

ProcSample sample(pid_t pid) {
  ProcSample s;
  const std::string stat = file_text("/proc/" + std::to_string(pid) + "/stat");
  const auto close = stat.rfind(')');
  if (close != std::string::npos) {
    std::istringstream in(stat.substr(close + 2));
    std::string field;
    for (int i = 3; i <= 15 && in >> field; ++i) {
      if (i == 14 || i == 15) s.ticks += std::atol(field.c_str());
    }
  }
  std::istringstream status(file_text("/proc/" + std::to_string(pid) + "/status"));
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) s.rss_kib = std::atol(line.c_str() + 6);
  }
  return s;
}

class Bench {
 public:
  explicit Bench(const Args& a) : args_(a) {
    NetnsOptions o;
    o.hosts = a.hosts;
    o.workers_per_host = a.workers;
    o.proxies = 2;
    o.heartbeat = 1;
    o.host_timeout = 3;
    o.comm_timeout = 5;
    cluster_ = std::make_unique<NetnsCluster>(o);
  }

  int run() {
    if (Status s = cluster_->start(); !s.is_ok()) {
      std::cerr << "scale_bench: " << s.message() << "\n" << cluster_->logs();
      return 1;
    }
    tap_ = std::make_unique<BusTap>(*cluster_);
    if (!tap_->ready(Millis(20000))) {
      std::cerr << "scale_bench: the tap saw no heartbeat\n";
      return 1;
    }
    tap_->mark();
    std::cout << "cluster: " << cluster_->hosts() << " hosts, " << cluster_->nodes().size()
              << " nodes\n";
    for (int r = 0; r < args_.runs; ++r) {
      if (!start_status_stop(r + 1 == args_.runs)) return 1;
    }
    if (!mass_kill() || !idle()) return 1;
    int rc = 0;
    stop_ms_.push_back(timed_shell({"stop"}, &rc));
    if (rc != 0) return 1;
    count_alerts();
    print();
    return 0;
  }

 private:
  double timed_shell(const std::vector<std::string>& argv, int* rc, std::string* out = nullptr) {
    const auto t0 = SteadyClock::now();
    auto r = cluster_->shell(argv, Millis(120000));
    const double ms = ms_between(t0, SteadyClock::now());
    *rc = r.exit_code;
    if (out != nullptr) *out = r.out;
    if (r.exit_code != 0) std::cerr << "brocluster " << argv[0] << ": " << r.out << r.err << "\n";
    return ms;
  }

  // One start/status/stop; the last run leaves the nodes running.
  bool start_status_stop(bool last) {
    int rc = 0;
    start_ms_.push_back(timed_shell({"start"}, &rc));
    if (rc != 0) return false;
    for (int i = 0; i < 5; ++i) {
      status_ms_.push_back(timed_shell({"status"}, &rc));
      if (rc != 0) return false;
    }
    if (last) return true;
    stop_ms_.push_back(timed_shell({"stop"}, &rc));
    return rc == 0;
  }

  // Kills `--kill` workers at once (round robin over the worker hosts), then waits for a
  // new pid of each on the bus.
  bool mass_kill() {
    std::vector<std::string> victims;
    const auto workers = cluster_->workers();
    const int per_host = args_.workers;
    for (int i = 0; static_cast<int>(victims.size()) < args_.kill; ++i) {
      const int host = i % (cluster_->hosts() - 1);
      const int member = i / (cluster_->hosts() - 1);
      if (member >= per_host) break;
      victims.push_back("worker-" + std::to_string(host + 1) + "-" + std::to_string(member + 1));
    }
    std::vector<pid_t> pids;
    for (const auto& v : victims) {
      const auto p = cluster_->node_pids(v);
      if (p.size() != 1) {
        std::cerr << "scale_bench: " << v << " is not running once\n";
        return false;
      }
      pids.push_back(p[0]);
    }
    tap_->mark();
    const auto t0 = SteadyClock::now();
    for (pid_t p : pids)
      kill(p, SIGKILL);
    double last_ms = 0;
    int in_order = 0;
    double prev = -1;
    for (const auto& v : victims) {
      auto e = tap_->wait(node_state_is(v, "running"), Millis(30000));
      tap_->rewind();
      if (!e) {
        std::cerr << "scale_bench: " << v << " was not repaired within 30 s\n";
        return false;
      }
      const double ms = ms_between(t0, e->at);
      last_ms = std::max(last_ms, ms);
      if (ms >= prev) ++in_order;
      prev = ms;
    }
    kill_all_ms_ = last_ms;
    killed_ = static_cast<int>(victims.size());
    in_order_ = in_order;
    return true;
  }

  // The daemons of host1 and of one worker host, sampled over `--idle` seconds.
  bool idle() {
    const std::vector<std::pair<std::string, pid_t>> daemons = {
        {"collector", cluster_->collector_pid()},
        {"broker", cluster_->broker_pid()},
        {"supervisor host1", cluster_->supervisor_pid(0)},
        {"supervisor host2", cluster_->supervisor_pid(1)}};
    std::vector<ProcSample> before;
    for (const auto& d : daemons)
      before.push_back(sample(d.second));
    const auto t0 = SteadyClock::now();
    // The wait itself is the measurement: nothing to synchronise on.
    (void)poll_until([] { return false; }, Millis(args_.idle_s * 1000), Millis(200));
    const double secs = ms_between(t0, SteadyClock::now()) / 1000.0;
    const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
    for (std::size_t i = 0; i < daemons.size(); ++i) {
      const ProcSample after = sample(daemons[i].second);
      idle_.push_back({daemons[i].first, after.rss_kib / 1024.0,
                       100.0 * (after.ticks - before[i].ticks) / tick / secs});
    }
    return true;
  }

  void count_alerts() {
    host_down_ = static_cast<int>(tap_->ever(alert_is("host-down")).size());
    host_up_ = static_cast<int>(tap_->ever(alert_is("host-up")).size());
    // A busy bus is no bus outage either (it reaches the tap once the bus is back).
    bus_down_ = static_cast<int>(tap_->ever(alert_is("bus-down")).size());
  }

  void print() const {
    std::cout << "start (until every node running): median " << fmt(median(start_ms_))
              << " ms over " << start_ms_.size() << " runs\n"
              << "status (one-shot): median " << fmt(median(status_ms_)) << " ms over "
              << status_ms_.size() << " runs\n"
              << "stop (until every node gone): median " << fmt(median(stop_ms_)) << " ms over "
              << stop_ms_.size() << " runs\n"
              << killed_ << " workers killed at once: all new pids running in " << fmt(kill_all_ms_)
              << " ms, " << in_order_ << " of them in kill order\n";
    for (const auto& d : idle_) {
      std::cout << "idle " << d.name << ": RSS " << fmt(d.rss_mib) << " MiB, CPU " << fmt(d.cpu_pct)
                << " %\n";
    }
    std::cout << "host-down alerts: " << host_down_ << ", host-up alerts: " << host_up_
              << ", bus-down alerts: " << bus_down_ << "\n";
    std::cout << "SCALE {\"hosts\":" << cluster_->hosts()
              << ",\"nodes\":" << cluster_->nodes().size()
              << ",\"start_ms\":" << fmt(median(start_ms_))
              << ",\"status_ms\":" << fmt(median(status_ms_))
              << ",\"stop_ms\":" << fmt(median(stop_ms_)) << ",\"killed\":" << killed_
              << ",\"kill_repair_ms\":" << fmt(kill_all_ms_) << ",\"host_down\":" << host_down_
              << ",\"host_up\":" << host_up_ << ",\"bus_down\":" << bus_down_ << "}\n";
  }

  struct Idle {
    std::string name;
    double rss_mib;
    double cpu_pct;
  };

  Args args_;
  std::unique_ptr<NetnsCluster> cluster_;
  std::unique_ptr<BusTap> tap_;
  std::vector<double> start_ms_, status_ms_, stop_ms_;
  double kill_all_ms_ = -1;
  int killed_ = 0;
  int in_order_ = 0;
  std::vector<Idle> idle_;
  int host_down_ = 0;
  int host_up_ = 0;
  int bus_down_ = 0;
};

}  // namespace
}  // namespace bc::test

int main(int argc, char** argv) {
  const bc::test::Args args = bc::test::parse(argc, argv);
  std::string why;
  if (!bc::test::netns_available(&why)) {
    std::cerr << "scale_bench: skipped: " << why << "\n";
    return 77;
  }
  return bc::test::Bench(args).run();
}
