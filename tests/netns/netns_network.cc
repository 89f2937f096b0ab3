#include "tests/netns/netns_network.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <regex>

#include "tests/support/cluster_harness.h"
#include "tests/support/run_process.h"

namespace bc::test {
namespace {

namespace fs = std::filesystem;

std::atomic<int> g_counter{0};

std::string ip_binary() {
  for (const char* p : {"/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"}) {
    if (access(p, X_OK) == 0) return p;
  }
  return "/usr/sbin/ip";
}

ProcessResult run_ip(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {ip_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  RunOptions o;
  o.timeout = Millis(20000);
  return run_process(argv, o);
}

// Processes in the namespace with inode `inode` (zombies only when asked).
std::vector<pid_t> pids_in(unsigned long inode, bool with_zombies = false) {
  std::vector<pid_t> out;
  if (inode == 0) return out;
  for (pid_t pid : proc_pids()) {
    if (netns_inode_of(pid) != inode) continue;
    if (with_zombies || pid_alive(pid)) out.push_back(pid);
  }
  return out;
}

void kill_in(unsigned long inode) {
  kill_until_gone([&] { return pids_in(inode); });
}

// "bcn<pid>x<k>-..." -> pid; 0 when the name is not ours.
pid_t owner_of(const std::string& name) {
  static const std::regex re("^bcn([0-9]+)x[0-9]+-.*");
  std::smatch m;
  if (!std::regex_match(name, m, re)) return 0;
  return static_cast<pid_t>(std::atol(m[1].str().c_str()));
}

bool process_exists(pid_t pid) {
  return pid > 0 && (kill(pid, 0) == 0 || errno != ESRCH);
}

}  // namespace

unsigned long netns_inode_of(pid_t pid) {
  struct stat st {};
  if (stat(("/proc/" + std::to_string(pid) + "/ns/net").c_str(), &st) != 0) return 0;
  return st.st_ino;
}

unsigned long netns_inode(const std::string& name) {
  struct stat st {};
  if (stat(("/run/netns/" + name).c_str(), &st) != 0) return 0;
  return st.st_ino;
}

bool netns_available(std::string* why) {
  if (geteuid() != 0) {
    *why = "network namespaces need root";
    return false;
  }
  const auto r = run_ip({"netns", "list"});
  if (r.exit_code != 0) {
    *why = "`ip netns list` failed: " + r.err;
    return false;
  }
  return true;
}

void sweep_stale_netns() {
  const auto r = run_ip({"netns", "list"});
  for (const auto& line : split_lines(r.out)) {
    const std::string name = line.substr(0, line.find(' '));
    const pid_t owner = owner_of(name);
    if (owner == 0 || process_exists(owner)) continue;
    kill_in(netns_inode(name));
    (void)run_ip({"netns", "del", name});
  }
  std::error_code ec;
  static const std::regex dir_re("^bcnetns-([0-9]+)-.*");
  for (const auto& e : fs::directory_iterator(fs::temp_directory_path(), ec)) {
    std::smatch m;
    const std::string n = e.path().filename().string();
    if (!std::regex_match(n, m, dir_re)) continue;
    const pid_t owner = static_cast<pid_t>(std::atol(m[1].str().c_str()));
    if (process_exists(owner)) continue;
    kill_all_under({e.path().string()});
    fs::remove_all(e.path(), ec);
  }
}

NetnsNetwork::NetnsNetwork(int hosts) : hosts_(hosts) {
  const int k = g_counter.fetch_add(1);
  prefix_ = "bcn" + std::to_string(getpid()) + "x" + std::to_string(k);
  const int subnet = static_cast<int>((static_cast<long>(getpid()) * 7 + k) % 512);
  subnet_a_ = 18 + subnet / 256;
  subnet_b_ = subnet % 256;
  const std::string sw = prefix_ + "-sw";
  Status s = ip({"netns", "add", sw});
  if (s.is_ok()) s = ip({"-n", sw, "link", "add", "br0", "type", "bridge"});
  if (s.is_ok()) s = ip({"-n", sw, "link", "set", "br0", "up"});
  for (int i = 0; i < hosts_ && s.is_ok(); ++i) {
    const std::string h = ns(i);
    const std::string port = "p" + std::to_string(i + 1);
    s = ip({"netns", "add", h});
    if (s.is_ok())
      s = ip({"-n", sw, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", h});
    if (s.is_ok()) s = ip({"-n", sw, "link", "set", port, "master", "br0", "up"});
    if (s.is_ok()) s = ip({"-n", h, "addr", "add", address(i) + "/24", "dev", "eth0"});
    if (s.is_ok()) s = ip({"-n", h, "link", "set", "eth0", "up"});
    if (s.is_ok()) s = ip({"-n", h, "link", "set", "lo", "up"});
    inodes_.push_back(netns_inode(h));
  }
  if (!s.is_ok()) error_ = s.message();
}

NetnsNetwork::~NetnsNetwork() {
  destroy();
}

Status NetnsNetwork::ip(const std::vector<std::string>& args) {
  const auto r = run_ip(args);
  if (r.exit_code == 0) return Status::ok();
  std::string cmd = "ip";
  for (const auto& a : args)
    cmd += " " + a;
  return Status::io_error(cmd + ": " + r.err + r.out);
}

std::string NetnsNetwork::address(int i) const {
  return "198." + std::to_string(subnet_a_) + "." + std::to_string(subnet_b_) + "." +
         std::to_string(i + 1);
}

std::vector<std::string> NetnsNetwork::in_ns(int i, const std::vector<std::string>& argv) const {
  std::vector<std::string> out = {ip_binary(), "netns", "exec", ns(i)};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

Status NetnsNetwork::link_down(int i) {
  return ip({"-n", prefix_ + "-sw", "link", "set", "p" + std::to_string(i + 1), "down"});
}

Status NetnsNetwork::link_up(int i) {
  return ip({"-n", prefix_ + "-sw", "link", "set", "p" + std::to_string(i + 1), "up"});
}

std::vector<pid_t> NetnsNetwork::pids(int i, bool with_zombies) const {
  return pids_in(inodes_.at(static_cast<std::size_t>(i)), with_zombies);
}

int NetnsNetwork::host_of_pid(pid_t pid) const {
  const unsigned long inode = netns_inode_of(pid);
  for (std::size_t i = 0; i < inodes_.size(); ++i) {
    if (inode != 0 && inodes_[i] == inode) return static_cast<int>(i);
  }
  return -1;
}

void NetnsNetwork::kill_all() {
  for (unsigned long inode : inodes_)
    kill_in(inode);
}

void NetnsNetwork::destroy() {
  kill_all();
  std::vector<std::string> names;
  for (int i = 0; i < hosts_; ++i)
    names.push_back(ns(i));
  names.push_back(prefix_ + "-sw");
  for (const auto& name : names) {
    for (int attempt = 0; attempt < 5 && netns_inode(name) != 0; ++attempt) {
      const auto r = run_ip({"netns", "del", name});
      if (r.exit_code != 0 && attempt == 4) {
        std::cerr << "netns: could not delete " << name << ": " << r.err << std::endl;
      }
    }
  }
}

}  // namespace bc::test
