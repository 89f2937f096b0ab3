#pragma once
// Test support for the multi-host fault suite (issue 9): a small network of real Linux
// network namespaces, one per simulated host, joined through veth pairs to a bridge that
// lives in a namespace of its own ("the switch"), so that nothing of it touches the root
// namespace's interfaces, routes or firewall.
//
//   <prefix>-sw:  bridge br0, ports p1..pN (the switch side of each host's cable)
//   <prefix>-h1:  lo, eth0 = 198.a.b.1/24     ...     <prefix>-hN: eth0 = 198.a.b.N/24
//
// Addresses come from 198.18.0.0/15 (RFC 2544 benchmarking space), one /24 per network
// chosen from the pid and a counter so that logs of parallel runs are told apart (the
// namespaces would not clash anyway). The prefix is "bcn<pid>x<counter>"; the destructor
// kills every process inside the host namespaces and deletes all the namespaces (which
// deletes the bridge and the veths with them), also when the test failed. sweep_stale()
// does the same for namespaces of earlier test processes that no longer exist (a run
// killed by a timeout), and removes their temp dirs (bcnetns-<pid>-*).
//
// A link fault is a pulled cable: the host's switch port is set down, so the host's eth0
// loses carrier while its addresses and routes stay (as on a real host whose switch port
// or cable fails). Owned by one test thread; needs root.

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/status.h"

namespace bc::test {

// True when this process may create network namespaces (root and a working `ip netns`).
bool netns_available(std::string* why);

// Removes the namespaces and temp dirs of test processes that are gone.
void sweep_stale_netns();

class NetnsNetwork {
 public:
  // Creates the switch and `hosts` host namespaces with their cables, all up.
  explicit NetnsNetwork(int hosts);
  ~NetnsNetwork();
  NetnsNetwork(const NetnsNetwork&) = delete;
  NetnsNetwork& operator=(const NetnsNetwork&) = delete;

  // Empty when every namespace, link and address is in place; else what failed.
  const std::string& error() const { return error_; }
  const std::string& prefix() const { return prefix_; }
  // Host i (0-based): its namespace name and address.
  std::string ns(int i) const { return prefix_ + "-h" + std::to_string(i + 1); }
  std::string address(int i) const;
  int host_count() const { return hosts_; }

  // argv that runs `argv` inside host i's namespace.
  std::vector<std::string> in_ns(int i, const std::vector<std::string>& argv) const;

  // The host's cable: its switch port down / up.
  Status link_down(int i);
  Status link_up(int i);

  // Processes inside host i's namespace: live ones, or zombies too.
  std::vector<pid_t> pids(int i, bool with_zombies = false) const;
  // The namespace (host index) `pid` runs in; -1 when none of ours.
  int host_of_pid(pid_t pid) const;
  // SIGKILLs every process inside the host namespaces until none is left (bounded).
  void kill_all();

 private:
  Status ip(const std::vector<std::string>& args);
  void destroy();

  int hosts_;
  std::string prefix_;
  int subnet_a_ = 18;  // 198.<a>.<b>.0/24
  int subnet_b_ = 0;
  std::vector<unsigned long> inodes_;  // of each host namespace
  std::string error_;
};

// The network namespace inode of `pid` (0 when unknown).
unsigned long netns_inode_of(pid_t pid);
// The inode of a named namespace (/run/netns/<name>); 0 when absent.
unsigned long netns_inode(const std::string& name);

}  // namespace bc::test
