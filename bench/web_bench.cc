// brocluster-web under load (issue 19 point 5): a fake collector (ROUTER answering
// `snapshot`) and a fake bus (PUB where the broker's XPUB would be) feed a real
// brocluster-web process a cluster of --nodes nodes on --hosts hosts. Measures:
//   - GET /metrics: latency (connect to last byte) and size, --scrapes times;
//   - a crash on an open event stream: from publishing the node's `crashed` node_state to
//     reading it from /api/v1/events;
//   - the daemon's RSS and CPU while idle (only heartbeats, no client) over --idle seconds,
//     with a 4-node cluster and with the full one.
// bench/web_bench.sh runs it; figures in docs/PERFORMANCE.md ("brocluster-web").

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>
#include <vector>
#include <zmq.hpp>

#include <CLI/CLI.hpp>

#include "messages/codec.h"
#include "tests/support/cluster_harness.h"
#include "tests/support/http_client.h"
#include "tests/support/processes.h"
#include "tests/support/run_process.h"

namespace {

using namespace bc;
using Steady = std::chrono::steady_clock;

std::int64_t wall_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

double ms_since(Steady::time_point t0) {
  return std::chrono::duration<double, std::milli>(Steady::now() - t0).count();
}

struct FakeCluster {
  int hosts = 10;
  int nodes = 1000;
  std::vector<std::uint64_t> seq;  // per host, the supervisor's
  std::uint64_t broker_seq = 0;

  std::string host(int i) const { return "10.0.0." + std::to_string(i % hosts + 1); }
  std::string node(int i) const { return "worker-" + std::to_string(i + 1); }

  msg::Value snapshot() const {
    msg::Value hs = msg::Value::empty_array(), ns = msg::Value::empty_array();
    for (int h = 0; h < hosts; ++h) {
      hs.push_back(msg::Value::empty_map()
                       .set("host", host(h))
                       .set("up", true)
                       .set("seq", msg::Value::empty_map().set("supervisor", 0)));
    }
    for (int i = 0; i < nodes; ++i) {
      ns.push_back(msg::Value::empty_map()
                       .set("name", node(i))
                       .set("type", "worker")
                       .set("host", host(i))
                       .set("state", "running")
                       .set("desired", "running")
                       .set("pid", 1000 + i)
                       .set("started_at", wall_us()));
    }
    return msg::Value::empty_map()
        .set("cron_enabled", true)
        .set("hosts", std::move(hs))
        .set("nodes", std::move(ns))
        .set("alerts", msg::Value::empty_array());
  }
};

void publish(zmq::socket_t& pub, const std::string& topic, const std::string& body) {
  pub.send(zmq::buffer(topic), zmq::send_flags::sndmore);
  pub.send(zmq::buffer(body), zmq::send_flags::none);
}

void heartbeats(zmq::socket_t& pub, FakeCluster& c) {
  for (int h = 0; h < c.hosts; ++h) {
    msg::Heartbeat hb;
    msg::stamp(hb, c.host(h), ++c.seq[h], wall_us());
    hb.role = "supervisor";
    hb.interval_ms = 1000;
    hb.counters = {{"requests", 1}, {"errors", 0}};
    publish(pub, msg::topic_for(hb), msg::encode(hb));
  }
}

void stats(zmq::socket_t& pub, FakeCluster& c, int i) {
  msg::NodeStats s;
  const int h = i % c.hosts;
  msg::stamp(s, c.host(h), ++c.seq[h], wall_us());
  s.node = c.node(i);
  s.node_type = "worker";
  s.pid = 1000 + i;
  s.cpu_pct = 12.5;
  s.rss_bytes = 400u << 20;
  s.vsize_bytes = 900u << 20;
  s.threads = 4;
  s.fds = 40;
  s.cpu_user_s = 123.4;
  s.cpu_system_s = 5.6;
  s.packets_received = 123456789;
  s.packets_dropped = 12;
  s.packets_link = 123456801;
  publish(pub, msg::topic_for(s), msg::encode(s));
}

void node_state(zmq::socket_t& pub, FakeCluster& c, int i, const std::string& prev,
                const std::string& state) {
  msg::NodeStateChange e;
  const int h = i % c.hosts;
  msg::stamp(e, c.host(h), ++c.seq[h], wall_us());
  e.node = c.node(i);
  e.node_type = "worker";
  e.prev_state = prev;
  e.state = state;
  e.desired = "running";
  e.pid = state == "crashed" ? 0 : 1000 + i;
  publish(pub, msg::topic_for(e), msg::encode(e));
}

// Answers every `snapshot` on the collector's ROUTER until `stop`.
void serve_collector(zmq::context_t& ctx, const std::string& endpoint, const FakeCluster& c,
                     const std::atomic<bool>& stop) {
  zmq::socket_t router(ctx, zmq::socket_type::router);
  router.set(zmq::sockopt::linger, 0);
  router.bind(endpoint);
  while (!stop) {
    zmq::pollitem_t item{router.handle(), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, std::chrono::milliseconds(100)) == 0) continue;
    zmq::message_t id, req;
    (void)router.recv(id);
    (void)router.recv(req);
    auto request = msg::decode<msg::Request>(req.to_string_view());
    if (!request.is_ok()) continue;
    msg::Reply r;
    r.id = request->id;
    r.ok = true;
    r.result = c.snapshot();
    router.send(id, zmq::send_flags::sndmore);
    router.send(zmq::buffer(msg::encode(r)), zmq::send_flags::none);
  }
}

struct Usage {
  double cpu_s = 0;
  long rss_kb = 0;
  long anon_kb = 0;  // of rss_kb, the daemon's own memory (not shared library pages)
};

Usage usage_of(pid_t pid) {
  Usage u;
  const std::string stat = test::file_text("/proc/" + std::to_string(pid) + "/stat");
  const auto close = stat.rfind(')');
  std::vector<std::string> f;
  std::string word;
  for (char ch : stat.substr(close + 2)) {
    if (ch == ' ') {
      f.push_back(word);
      word.clear();
    } else {
      word += ch;
    }
  }
  if (f.size() > 13) {
    u.cpu_s = static_cast<double>(std::stol(f[11]) + std::stol(f[12])) /
              static_cast<double>(sysconf(_SC_CLK_TCK));
  }
  const std::string status = test::file_text("/proc/" + std::to_string(pid) + "/status");
  const auto at = status.find("VmRSS:");
  if (at != std::string::npos) u.rss_kb = std::strtol(status.c_str() + at + 6, nullptr, 10);
  const auto anon = status.find("RssAnon:");
  if (anon != std::string::npos) u.anon_kb = std::strtol(status.c_str() + anon + 8, nullptr, 10);
  return u;
}

void idle(pid_t pid, zmq::socket_t& pub, FakeCluster& c, int seconds, const char* what) {
  const Usage before = usage_of(pid);
  for (int s = 0; s < seconds; ++s) {
    heartbeats(pub, c);
    std::this_thread::sleep_for(std::chrono::seconds(1));  // the bench's own pace
  }
  const Usage after = usage_of(pid);
  std::printf(
      "idle %-24s rss %5.1f MB (anonymous %5.1f MB)  cpu %.3f %% over %d s (heartbeats of %d "
      "hosts, 1/s)\n",
      what, static_cast<double>(after.rss_kb) / 1024, static_cast<double>(after.anon_kb) / 1024,
      100 * (after.cpu_s - before.cpu_s) / seconds, seconds, c.hosts);
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"brocluster-web benchmark"};
  FakeCluster cluster;
  int scrapes = 100, idle_s = 10;
  std::string exe = test::build_path("web/brocluster-web");
  app.add_option("--nodes", cluster.nodes);
  app.add_option("--hosts", cluster.hosts);
  app.add_option("--scrapes", scrapes);
  app.add_option("--idle", idle_s, "seconds of each idle measurement");
  app.add_option("--exe", exe);
  CLI11_PARSE(app, argc, argv);
  cluster.seq.assign(static_cast<std::size_t>(cluster.hosts), 0);

  test::TempDir base;
  const int port = test::choose_port_block(5);
  const std::string bus = "tcp://127.0.0.1:" + std::to_string(port + 1);
  const std::string collector = "tcp://127.0.0.1:" + std::to_string(port + 2);
  const int web_port = port + 4;
  base.write("etc/cluster.cfg", "BusSecurity = plain\nBrokerPubPort = " + std::to_string(port) +
                                    "\nBrokerSubPort = " + std::to_string(port + 1) +
                                    "\nCollectorPort = " + std::to_string(port + 2) +
                                    "\nSupervisorPort = " + std::to_string(port + 3) +
                                    "\nWebPort = " + std::to_string(web_port) + "\n");
  base.write("etc/node.cfg", "[bro]\ntype=standalone\nhost=localhost\n");

  zmq::context_t ctx(1);
  zmq::socket_t pub(ctx, zmq::socket_type::pub);
  pub.set(zmq::sockopt::sndhwm, 1000000);
  pub.bind(bus);
  std::atomic<bool> stop{false};
  FakeCluster small = cluster;
  small.nodes = 4;
  small.hosts = 1;
  small.seq.assign(1, 0);
  std::thread collector_thread(serve_collector, std::ref(ctx), collector, std::cref(cluster),
                               std::cref(stop));

  const auto started = test::run_process({exe, "--base", base.path()});
  if (started.exit_code != 0) {
    std::cerr << "brocluster-web did not start: " << started.out << started.err;
    stop = true;
    collector_thread.join();
    return 1;
  }
  const pid_t pid = test::read_pid_file(base.path() + "/spool/web.pid");
  // Until the subscription is in place, published events are lost (the slow joiner).
  const bool joined = test::poll_until(
      [&] {
        heartbeats(pub, small);
        auto m = test::http_get(web_port, "/metrics");
        return m &&
               m->body.find("brocluster_bus_events_total{type=\"heartbeat\"}") != std::string::npos;
      },
      std::chrono::seconds(10), std::chrono::milliseconds(100));
  if (!joined) std::cerr << "no heartbeat reached brocluster-web\n";
  idle(pid, pub, small, idle_s, "(after start)");

  // The full cluster: stats of every node, so that every metric has its series.
  for (int i = 0; i < cluster.nodes; ++i)
    stats(pub, cluster, i);
  const std::string last = "node=\"" + cluster.node(cluster.nodes - 1) + "\",node_type=\"worker\"}";
  test::poll_until(
      [&] {
        auto m = test::http_get(web_port, "/metrics");
        return m &&
               m->body.find("brocluster_node_open_fds{host=\"" + cluster.host(cluster.nodes - 1) +
                            "\"," + last) != std::string::npos;
      },
      std::chrono::seconds(20), std::chrono::milliseconds(100));

  std::vector<double> took;
  std::size_t bytes = 0, series = 0;
  for (int i = 0; i < scrapes; ++i) {
    const auto t0 = Steady::now();
    auto m = test::http_get(web_port, "/metrics");
    took.push_back(ms_since(t0));
    if (m) {
      bytes = m->body.size();
      series = static_cast<std::size_t>(std::count(m->body.begin(), m->body.end(), '\n')) -
               static_cast<std::size_t>(std::count(m->body.begin(), m->body.end(), '#'));
    }
  }
  std::printf(
      "/metrics  %d nodes on %d hosts: %zu bytes, ~%zu samples; %d scrapes: median %.2f ms, "
      "p95 %.2f ms, max %.2f ms\n",
      cluster.nodes, cluster.hosts, bytes, series, scrapes, percentile(took, 0.5),
      percentile(took, 0.95), percentile(took, 1.0));

  // A crash on an open page's stream.
  test::SseStream stream(web_port, "/api/v1/events");
  (void)stream.next(std::chrono::seconds(5));  // the snapshot
  std::vector<double> seen;
  for (int round = 0; round < 20; ++round) {
    const int i = round * 37 % cluster.nodes;
    const auto t0 = Steady::now();
    node_state(pub, cluster, i, "running", "crashed");
    for (;;) {
      auto e = stream.next(std::chrono::seconds(5));
      if (!e) break;
      if (e->type == "node_state" &&
          e->data.find("\"" + cluster.node(i) + "\"") != std::string::npos) {
        seen.push_back(ms_since(t0));
        break;
      }
    }
    node_state(pub, cluster, i, "crashed", "running");
  }
  if (!seen.empty()) {
    std::printf(
        "crash on /api/v1/events: %zu crashes: median %.2f ms, max %.2f ms (publish to "
        "read)\n",
        seen.size(), percentile(seen, 0.5), percentile(seen, 1.0));
  }
  idle(pid, pub, cluster, idle_s, "(1000 nodes, no client)");

  kill(pid, SIGTERM);
  test::poll_until([&] { return !test::pid_alive(pid); }, std::chrono::seconds(5));
  stop = true;
  collector_thread.join();
  return 0;
}
