// Writes the seed corpus of fuzz_intake (docs/FUZZING.md) with the real encoders: every
// event type the collector folds, as its supervisor publishes it, and the forgeries of
// issue 16 (another host's node, an unknown node or host, a topic that does not match the
// body). Usage: fuzz_intake_seeds <dir>   (fuzz/corpus/fuzz_intake)

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "fuzz/intake_input.h"
#include "messages/codec.h"

namespace {

using namespace bc::msg;
using bc::fuzz::bus_message;

constexpr std::int64_t kTs = 1'800'000'000'000'000;

template <class M>
std::string on_bus(const M& m, const std::string& topic) {
  const std::string body = encode(m);
  if (!decode<M>(body).is_ok()) {  // a seed the decoder refuses would seed nothing
    std::fprintf(stderr, "intake_seeds: a %s that does not decode\n",
                 std::string(M::kType).c_str());
    std::exit(1);
  }
  return bus_message(topic, body);
}
template <class M>
std::string on_bus(const M& m) {
  return on_bus(m, topic_for(m));
}

Heartbeat heartbeat(const std::string& host, std::uint64_t seq, const std::string& role) {
  Heartbeat hb;
  stamp(hb, host, seq, kTs + static_cast<std::int64_t>(seq));
  hb.role = role;
  hb.pid = 4242;
  hb.uptime_s = 12.5;
  hb.interval_ms = 1000;
  hb.state_version = seq;
  hb.nodes_total = 3;
  hb.nodes_running = 3;
  hb.counters = {{"events_dropped", 0}};
  hb.software = "0.1.0";
  return hb;
}

NodeStateChange node_state(const std::string& host, std::uint64_t seq, const std::string& node,
                           const std::string& type, const std::string& state) {
  NodeStateChange e;
  stamp(e, host, seq, kTs + static_cast<std::int64_t>(seq));
  e.node = node;
  e.node_type = type;
  e.state = state;
  e.prev_state = "running";
  e.desired = "running";
  e.pid = state == "running" ? 5000 : 0;
  e.started_at = kTs;
  if (state == "crashed") {
    e.reason = "SIGSEGV";
    e.signal = 11;
    e.core_dumped = true;
  }
  return e;
}

CrashReport crash(const std::string& host, std::uint64_t seq, const std::string& node,
                  const std::string& type) {
  CrashReport r;
  stamp(r, host, seq, kTs + static_cast<std::int64_t>(seq));
  r.node = node;
  r.node_type = type;
  r.pid = 5000;
  r.signal = 11;
  r.core_dumped = true;
  r.core_size = 1 << 20;
  r.started_at = kTs - 60'000'000;
  r.ended_at = kTs;
  r.maxrss_kb = 81920;
  r.stdout_tail = "listening on eth0\n";
  r.stderr_tail = "Segmentation fault\n";
  r.record_dir = "/var/lib/brocluster/crashes/" + node + "-1";
  return r;
}

HostStats host_stats(const std::string& host, std::uint64_t seq) {
  HostStats s;
  stamp(s, host, seq, kTs + static_cast<std::int64_t>(seq));
  s.load1 = 0.5;
  s.load5 = 0.25;
  s.load15 = 0.125;
  s.cpu_count = 4;
  s.mem_total = 8ull << 30;
  s.mem_available = 4ull << 30;
  s.disks = {{"/var/lib/brocluster", 100ull << 30, 50ull << 30, 50.0, 2049}};
  return s;
}

NodeStats node_stats(const std::string& host, std::uint64_t seq, const std::string& node) {
  NodeStats s;
  stamp(s, host, seq, kTs + static_cast<std::int64_t>(seq));
  s.node = node;
  s.node_type = "worker";
  s.pid = 5000;
  s.cpu_pct = 12.5;
  s.rss_bytes = 100 << 20;
  s.vsize_bytes = 300 << 20;
  s.threads = 4;
  s.fds = 32;
  s.cmd = "bro";
  s.packets_received = 1000;
  s.packets_dropped = 1;
  return s;
}

// The flags byte first (intake_input.h): 0, no notices; 0xff, every node_state a notice.
void write(const std::string& dir, const std::string& name, const std::vector<std::string>& msgs,
           char flags = 0) {
  std::string bytes(1, flags);
  for (const std::string& m : msgs)
    bytes += m;
  std::ofstream(dir + "/" + name, std::ios::binary) << bytes;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <corpus dir>\n", argv[0]);
    return 2;
  }
  const std::string d = argv[1];
  // Believed: each type from the host node.cfg gives.
  write(d, "heartbeat", {on_bus(heartbeat("h1", 1, "supervisor"))});
  write(d, "node-state", {on_bus(node_state("h2", 1, "worker-2-1", "worker", "running"))});
  write(d, "crash", {on_bus(crash("h1", 1, "proxy-1", "proxy"))});
  write(d, "host-stats", {on_bus(host_stats("h2", 1))});
  write(d, "node-stats", {on_bus(node_stats("h2", 1, "worker-2-2"))});
  // A host's publishers in a row: a gap (seq 3 -> 5), a restarted supervisor (seq 1).
  write(d, "sequence",
        {on_bus(heartbeat("h1", 1, "supervisor")),
         on_bus(node_state("h1", 2, "manager", "manager", "running")), on_bus(host_stats("h1", 3)),
         on_bus(node_stats("h1", 5, "worker-1")),
         on_bus(node_state("h1", 1, "worker-1", "worker", "crashed")),
         on_bus(crash("h1", 2, "worker-1", "worker"))});
  // A crash the crash watch told first, its copy on the bus, then an older event.
  write(d, "notice-then-bus",
        {on_bus(node_state("h1", 7, "proxy-1", "proxy", "crashed")),
         on_bus(node_state("h1", 7, "proxy-1", "proxy", "crashed")),
         on_bus(node_state("h1", 6, "proxy-1", "proxy", "running"))},
        '\xff');
  // Other daemons' heartbeats: not host liveness, ignored.
  write(d, "heartbeat-collector", {on_bus(heartbeat("h1", 1, "collector"))});
  // Forged (issue 16): h2's key speaking for h1's nodes, on h2's own topics.
  write(d, "forged-manager-crashed",
        {on_bus(node_state("h2", 1, "manager", "manager", "crashed"))});
  write(d, "forged-crash-report", {on_bus(crash("h2", 1, "manager", "manager"))});
  write(d, "forged-node-stats", {on_bus(node_stats("h2", 1, "worker-1"))});
  // Forged: the body names h1 but came on h2's topic.
  write(d, "forged-topic",
        {on_bus(heartbeat("h1", 2, "supervisor"), "hb.h2"),
         on_bus(node_state("h1", 3, "manager", "manager", "crashed"), "node.h2.manager")});
  // Unknown: a node node.cfg does not have, a host it does not have.
  write(d, "unknown-node",
        {on_bus(node_state("h2", 1, "worker-9", "worker", "crashed")),
         on_bus(crash("h2", 2, "worker-9", "worker"))});
  write(d, "unknown-host",
        {on_bus(heartbeat("h3", 1, "supervisor")), on_bus(host_stats("h3", 2)),
         on_bus(node_state("h3", 3, "manager", "manager", "crashed"))});
  // Not an event: a body that does not decode, and an empty one.
  write(d, "undecodable",
        {bus_message("node.h1.manager", "\x81\xa4type\xc1"), bus_message("hb.h1", "")});
  return 0;
}
