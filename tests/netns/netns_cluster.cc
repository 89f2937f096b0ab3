#include "tests/netns/netns_cluster.h"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace bc::test {
namespace {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

bool disabled_by_env(const std::string& part) {
  const char* v = std::getenv("BROCLUSTER_NETNS_DISABLE");
  return v != nullptr && std::string(v).find(part) != std::string::npos;
}

std::string fmt_ms(double ms) {
  if (ms < 0) return "null";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", ms);
  return buf;
}

}  // namespace

// ---------------------------------------------------------------- NetnsCluster

NetnsCluster::NetnsCluster(NetnsOptions options)
    : options_(std::move(options)),
      hosts_(options_.workers_per_host > 0 ? std::max(2, options_.hosts) : kHosts),
      collector_(options_.collector && !disabled_by_env("collector")),
      root_dir_("bcnetns-" + std::to_string(getpid()) + "-"),
      root_(root_dir_.path()),
      supervisor_pids_(hosts_, 0) {
  sweep_stale_netns();
  for (const Section& s : sections()) {
    if (s.lb_procs > 0) {
      for (int i = 1; i <= s.lb_procs; ++i) {
        nodes_.push_back(s.name + "-" + std::to_string(i));
        node_host_[nodes_.back()] = s.host;
      }
    } else {
      nodes_.push_back(s.name);
      node_host_[s.name] = s.host;
    }
  }
}

std::vector<NetnsCluster::Section> NetnsCluster::sections() const {
  std::vector<Section> out = {{"manager", "manager", 0, 0}};
  if (options_.workers_per_host > 0) {
    for (int p = 1; p <= options_.proxies; ++p)
      out.push_back({"proxy-" + std::to_string(p), "proxy", 0, 0});
    for (int h = 1; h < hosts_; ++h)
      out.push_back({"worker-" + std::to_string(h), "worker", h, options_.workers_per_host});
    return out;
  }
  out.push_back({"proxy-1", "proxy", 0, 0});
  for (int h = 1; h < kHosts; ++h)
    out.push_back({"worker-" + std::to_string(h), "worker", h, options_.lb_procs});
  return out;
}

NetnsCluster::~NetnsCluster() {
  kill_everything();
  net_.reset();  // deletes the namespaces, the bridge and the veths
  // root_dir_ then removes the BroBases.
}

std::vector<std::string> NetnsCluster::workers() const {
  std::vector<std::string> out;
  for (const auto& n : nodes_) {
    if (n.starts_with("worker-")) out.push_back(n);
  }
  return out;
}

void NetnsCluster::write_config() {
  const std::string sendmail = root_ + "/mail/sendmail";
  root_dir_.write("mail/sendmail",
                  "#!/bin/sh\n{ cat; echo '.'; } >> " + root_ + "/mail/mails.txt\n");
  fs::permissions(sendmail, fs::perms::owner_all);
  std::ostringstream cfg;
  cfg << "NodeProgram = " << build_path("tests/fake_node/brocluster-fake-node") << '\n'
      << "BrokerHost = " << address(0) << '\n'
      << "CommTimeout = " << options_.comm_timeout << '\n'
      << "HeartbeatInterval = " << options_.heartbeat << '\n'
      << "HostTimeout = " << options_.host_timeout << '\n'
      << "ReadyGraceTime = 0.2\nStopTimeout = 2\nStartTimeout = 15\n"
      << "StatsInterval = 1\nStatsLogInterval = 1\nCronInterval = 3600\n"
      << "RestartBackoffJitter = 0\n"
      << "SendMailCommand = " << sendmail << " -t\n"
      << "PolicyDir = " << source_path("policy") << '\n'
      << "SitePolicyPath = ${BroBase}/site:" << source_path("policy/local") << '\n';
  for (const auto& line : options_.extra)
    cfg << line << '\n';
  std::ostringstream node;
  for (const Section& s : sections()) {
    node << "[" << s.name << "]\ntype=" << s.type << "\nhost=" << address(s.host) << '\n';
    if (s.type == "worker") node << "interface=eth0\n";
    if (s.lb_procs > 0) node << "lb_procs=" << s.lb_procs << '\n';
    if (auto it = options_.node_lines.find(s.name); it != options_.node_lines.end()) {
      for (const auto& line : it->second)
        node << line << '\n';
    }
    node << '\n';
  }
  for (int h = 0; h < hosts_; ++h) {
    const std::string host = "host" + std::to_string(h + 1);
    root_dir_.write(host + "/etc/cluster.cfg", cfg.str());
    root_dir_.write(host + "/etc/node.cfg", node.str());
  }
}

Status NetnsCluster::make_keys() {
  // As the user does (docs/SECURITY.md): keygen on the manager's host, then each other
  // host's key bundle (etc/keys/hosts/<host>/) into its etc/keys/ before its supervisor
  // starts. A build without security (before issue 8) has no keygen and makes nothing:
  // the suite then runs unencrypted.
  (void)shell({"keygen"}, Millis(30000));
  const std::string keys = base(0) + "/etc/keys";
  if (!fs::exists(keys)) return Status::ok();
  for (int h = 1; h < hosts_; ++h) {
    const auto r =
        run_process({"/bin/cp", "-a", keys + "/hosts/" + address(h), base(h) + "/etc/keys"});
    if (r.exit_code != 0) return Status::io_error("copying the keys: " + r.err);
  }
  return Status::ok();
}

Status NetnsCluster::start() {
  net_ = std::make_unique<NetnsNetwork>(hosts_);
  if (!net_->error().empty()) return Status::io_error(net_->error());
  write_config();
  Status s = make_keys();
  if (s.is_ok()) s = start_broker();
  for (int h = 0; h < hosts_ && s.is_ok(); ++h)
    s = start_supervisor(h);
  if (s.is_ok() && collector_) s = start_collector();
  return s;
}

Status NetnsCluster::run_daemon(int host, const std::string& exe, const std::string& pid_file,
                                pid_t& pid, bool with_host) {
  std::vector<std::string> argv = {build_path(exe), "--base", base(host)};
  if (with_host) {
    argv.push_back("--host");
    argv.push_back(address(host));
  }
  RunOptions run;
  run.timeout = Millis(30000);
  const auto r = run_process(net_->in_ns(host, argv), run);
  if (r.exit_code != 0) {
    return Status::io_error(exe + " on host" + std::to_string(host + 1) +
                            " did not start: " + r.err + r.out);
  }
  pid = read_pid_file(spool(host) + "/" + pid_file);
  if (pid <= 0 || net_->host_of_pid(pid) != host) {
    return Status::io_error(exe + ": no live pid in " + pid_file + " inside its namespace");
  }
  return Status::ok();
}

Status NetnsCluster::start_broker() {
  return run_daemon(0, "broker/brocluster-broker", "broker.pid", broker_pid_, false);
}

Status NetnsCluster::start_collector() {
  return run_daemon(0, "collector/brocluster-collector", "collector.pid", collector_pid_, false);
}

Status NetnsCluster::start_supervisor(int host) {
  return run_daemon(host, "supervisor/brocluster-supervisor", "supervisor.pid",
                    supervisor_pids_.at(host), true);
}

Status NetnsCluster::kill_broker(int sig) {
  return kill_and_wait(broker_pid_, sig, "broker");
}

Status NetnsCluster::kill_collector(int sig) {
  return kill_and_wait(collector_pid_, sig, "collector");
}

Status NetnsCluster::kill_supervisor(int host, int sig) {
  return kill_and_wait(supervisor_pids_.at(host), sig,
                       "supervisor of host" + std::to_string(host + 1));
}

std::vector<pid_t> NetnsCluster::node_pids(const std::string& node) const {
  std::vector<pid_t> out;
  for (pid_t p : node_pids_anywhere(node)) {
    if (net_ && net_->host_of_pid(p) == host_of(node)) out.push_back(p);
  }
  return out;
}

std::vector<pid_t> NetnsCluster::node_pids_anywhere(const std::string& node) const {
  return pids_with_env("CLUSTER_SPOOL=" + node_dir(node));
}

std::vector<std::string> NetnsCluster::crash_records(const std::string& node) const {
  return crash_records_in(spool(host_of(node)) + "/tmp/crashes/" + node);
}

void NetnsCluster::set_fake_env(const std::string& node,
                                const std::vector<std::string>& lines) const {
  write_fake_env(node_dir(node), lines);
}

std::vector<std::string> NetnsCluster::shell_argv(const std::vector<std::string>& args) const {
  return net_->in_ns(0, shell_argv_for(base(0), args));
}

ProcessResult NetnsCluster::shell(const std::vector<std::string>& args, Millis timeout) const {
  RunOptions run;
  run.timeout = timeout;
  return run_process(shell_argv(args), run);
}

std::string NetnsCluster::mails() const {
  return file_text(root_ + "/mail/mails.txt");
}

std::string NetnsCluster::logs() const {
  std::string out;
  for (int h = 0; h < hosts_; ++h) {
    for (const char* log : {"supervisor.log", "broker.log", "collector.log"}) {
      const std::string text = file_text(spool(h) + "/" + log);
      if (!text.empty()) out += "==== host" + std::to_string(h + 1) + " " + log + "\n" + text;
    }
  }
  return out;
}

void NetnsCluster::kill_everything() {
  for (pid_t* pid : {&broker_pid_, &collector_pid_}) {
    if (*pid > 0 && net_ && net_->host_of_pid(*pid) >= 0) kill(*pid, SIGKILL);
    *pid = 0;
  }
  for (pid_t& pid : supervisor_pids_) {
    if (pid > 0 && net_ && net_->host_of_pid(pid) >= 0) kill(pid, SIGKILL);
    pid = 0;
  }
  if (net_) net_->kill_all();
  kill_all_under({root_});
}

// ---------------------------------------------------------------- BusTap

BusTap::BusTap(const NetnsCluster& cluster)
    : hosts_([&] {
        std::vector<std::string> out;
        for (int h = 0; h < cluster.hosts(); ++h)
          out.push_back(cluster.address(h));
        return out;
      }()),
      process_(std::make_unique<BackgroundProcess>(
          cluster.shell_argv({"--json", "tap", "node.", "crash.", "alert.", "hb."}))) {}

void BusTap::pump(Millis timeout) {
  (void)process_->next_line(
      [&](const std::string& line) {
        auto json = Json::parse(line);
        if (!json || !json->is_object()) return true;
        // The moment it was published ("ts", wall clock, us), on the steady timeline: the
        // times measured then leave out how late this test got round to reading it.
        auto at = SteadyClock::now();
        const double ts_us = (*json)["ts"].num();
        const double wall_us = std::chrono::duration<double, std::micro>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count();
        if (ts_us > 0 && ts_us <= wall_us) {
          at -= std::chrono::duration_cast<SteadyClock::duration>(
              std::chrono::duration<double, std::micro>(wall_us - ts_us));
        }
        events_.push_back({std::move(*json), at});
        return true;
      },
      timeout);
}

bool BusTap::ready(Millis timeout) {
  const bool ok = wait(heartbeat_of("supervisor"), timeout).has_value();
  mark_ = cursor_ = events_.size();
  return ok;
}

std::optional<BusTap::Event> BusTap::wait(const Pred& pred, Millis timeout) {
  const auto deadline = SteadyClock::now() + timeout;
  for (;;) {
    while (cursor_ < events_.size()) {
      const Event& e = events_[cursor_++];
      if (pred(e.json)) return e;
    }
    const auto left = std::chrono::duration_cast<Millis>(deadline - SteadyClock::now());
    if (left.count() <= 0 || process_->exited()) return std::nullopt;
    pump(left);
  }
}

void BusTap::mark() {
  const double now_us =
      std::chrono::duration<double, std::micro>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  const auto deadline = SteadyClock::now() + Millis(5000);
  std::vector<std::string> missing = hosts_;
  std::size_t scanned = mark_;
  while (!missing.empty() && SteadyClock::now() < deadline) {
    for (; scanned < events_.size(); ++scanned) {
      const Json& j = events_[scanned].json;
      if (j["type"].str() == "heartbeat" && j["role"].str() == "supervisor" &&
          j["ts"].num() >= now_us) {
        std::erase(missing, j["host"].str());
      }
    }
    if (!missing.empty()) pump(Millis(20));
  }
  for (int i = 0; i < 10000; ++i) {
    const std::size_t before = events_.size();
    pump(Millis(1));
    if (events_.size() == before) break;
  }
  mark_ = cursor_ = events_.size();
}

std::vector<BusTap::Event> BusTap::all(const Pred& pred) {
  return matching(pred, mark_);
}

std::vector<BusTap::Event> BusTap::ever(const Pred& pred) {
  return matching(pred, 0);
}

std::vector<BusTap::Event> BusTap::matching(const Pred& pred, std::size_t from) {
  for (int i = 0; i < 10000; ++i) {
    const std::size_t before = events_.size();
    pump(Millis(1));
    if (events_.size() == before) break;
  }
  std::vector<Event> out;
  for (std::size_t i = from; i < events_.size(); ++i) {
    if (pred(events_[i].json)) out.push_back(events_[i]);
  }
  return out;
}

std::string BusTap::history() const {
  std::string out;
  for (std::size_t i = mark_; i < events_.size(); ++i) {
    const Json& j = events_[i].json;
    if (j["type"].str() == "heartbeat") continue;
    out += j["type"].str() + " " + j["host"].str() + " " + j["node"].str() + " " +
           j["state"].str() + j["kind"].str() + " " + j["subject_host"].str() + " pid " +
           std::to_string(j["pid"].integer()) + "\n";
  }
  return out;
}

BusTap::Pred node_state_is(const std::string& node, const std::string& state) {
  return [=](const Json& j) {
    return j["type"].str() == "node_state" && j["node"].str() == node && j["state"].str() == state;
  };
}

BusTap::Pred crash_of(const std::string& node) {
  return [=](const Json& j) { return j["type"].str() == "crash" && j["node"].str() == node; };
}

BusTap::Pred alert_is(const std::string& kind, const std::string& host) {
  return [=](const Json& j) {
    return j["type"].str() == "alert" && j["kind"].str() == kind &&
           (host.empty() || j["subject_host"].str() == host);
  };
}

BusTap::Pred heartbeat_of(const std::string& role, const std::string& host) {
  return [=](const Json& j) {
    return j["type"].str() == "heartbeat" && j["role"].str() == role &&
           (host.empty() || j["host"].str() == host);
  };
}

double ms_between(SteadyClock::time_point from, SteadyClock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

void report_times(const std::string& scenario, const std::string& fault, double detect_ms,
                  double repair_ms) {
  std::cout << "RELIABILITY {\"scenario\":\"" << scenario << "\",\"fault\":\"" << fault
            << "\",\"detect_ms\":" << fmt_ms(detect_ms) << ",\"repair_ms\":" << fmt_ms(repair_ms)
            << "}" << std::endl;
}

}  // namespace bc::test
