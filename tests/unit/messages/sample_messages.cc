#include "sample_messages.h"

#include <vector>

namespace bc::msg::testing {

Heartbeat sample_heartbeat() {
  Heartbeat hb;
  stamp(hb, "host1", 42, 1700000000000000);
  hb.role = "supervisor";
  hb.pid = 1234;
  hb.uptime_s = 12.5;
  hb.interval_ms = 1000;
  hb.state_version = 7;
  hb.nodes_total = 3;
  hb.nodes_running = 2;
  hb.nodes_crashed = 1;
  hb.counters = {{"forwarded", 100}, {"dropped", 2}};
  hb.software = "0.1.0";
  return hb;
}

NodeStateChange sample_node_state() {
  NodeStateChange m;
  stamp(m, "host2", 9, 1700000000000001);
  m.node = "worker-1";
  m.node_type = "worker";
  m.state = "crashed";
  m.prev_state = "running";
  m.desired = "running";
  m.pid = 0;
  m.started_at = 1699999990000000;
  m.reason = "killed by SIGSEGV";
  m.exit_code = -1;
  m.signal = 11;
  m.core_dumped = true;
  return m;
}

NodeStats sample_node_stats() {
  NodeStats m;
  stamp(m, "host2", 10, 1700000000000002);
  m.node = "worker-1";
  m.node_type = "worker";
  m.pid = 4321;
  m.cpu_pct = 87.25;
  m.rss_bytes = 512ull << 20;
  m.vsize_bytes = 2ull << 30;
  m.threads = 4;
  m.fds = 37;
  m.cmd = "brocluster-node";
  m.packets_received = 1000000;
  m.packets_dropped = 12;
  m.packets_link = 1000012;
  m.cpu_user_s = 123.5;
  m.cpu_system_s = 7.25;
  return m;
}

HostStats sample_host_stats() {
  HostStats m;
  stamp(m, "host2", 11, 1700000000000003);
  m.load1 = 0.5;
  m.load5 = 0.25;
  m.load15 = 0.125;
  m.cpu_count = 8;
  m.mem_total = 16ull << 30;
  m.mem_available = 9ull << 30;
  m.disks = {{"/", 100ull << 30, 40ull << 30, 40.0, 2049},
             {"/var/spool", 50ull << 30, 5ull << 30, 10.0, std::nullopt}};
  return m;
}

CrashReport sample_crash() {
  CrashReport m;
  stamp(m, "host2", 12, 1700000000000004);
  m.node = "worker-1";
  m.node_type = "worker";
  m.pid = 4321;
  m.exit_code = -1;
  m.signal = 11;
  m.core_dumped = true;
  m.core_path = "/var/spool/worker-1/.core-4321.taken";
  m.core_size = 12u << 20;
  m.core_note = "core file not moved into the record: disk full";
  m.started_at = 1699999990000000;
  m.ended_at = 1700000000000000;
  m.utime_s = 8.5;
  m.stime_s = 1.25;
  m.maxrss_kb = 524288;
  m.stdout_tail = "listening on eth0\n";
  m.stderr_tail = "fatal: \"bad\" packet\n";
  m.backtrace = "#0 0x0000 in main ()";
  m.record_dir = "/var/spool/tmp/post-terminate-worker-1-2023-11-14";
  return m;
}

Alert sample_alert() {
  Alert m;
  stamp(m, "manager", 13, 1700000000000005);
  m.kind = "host-down";
  m.severity = "error";
  m.subject_host = "host3";
  m.node = "worker-7";
  m.message = "no heartbeat from host3 for 10 s";
  return m;
}

LogLine sample_log_line() {
  LogLine m;
  stamp(m, "host2", 14, 1700000000000006);
  m.level = "warning";
  m.component = "supervisor";
  m.node = "worker-1";
  m.message = "dropped malformed frame";
  return m;
}

Request sample_request() {
  Request r;
  r.id = 17;
  r.cmd = "start";
  r.args = Value::empty_map();
  r.args.set("nodes", Value::Array{"worker-1", "worker-2"}).set("force", true);
  r.ts = 1700000000000007;
  r.nonce = "n-1";
  return r;
}

Reply sample_reply_ok() {
  Value result;
  result.set("started", 2).set("pids", Value::Array{101, 102});
  return make_ok(17, result);
}

Reply sample_reply_error() {
  return make_error(18, Status::not_found("no node named 'worker-9'"));
}

std::vector<std::string> sample_encodings() {
  return {encode(sample_heartbeat()),  encode(sample_node_state()), encode(sample_node_stats()),
          encode(sample_host_stats()), encode(sample_crash()),      encode(sample_alert()),
          encode(sample_log_line()),   encode(sample_request()),    encode(sample_reply_ok()),
          encode(sample_reply_error())};
}

std::string to_hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out += kHex[b >> 4];
    out += kHex[b & 0x0f];
  }
  return out;
}

std::string from_hex(std::string_view hex) {
  auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(nibble(hex[i]) << 4 | nibble(hex[i + 1]));
  }
  return out;
}

}  // namespace bc::msg::testing
