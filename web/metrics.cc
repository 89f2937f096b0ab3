#include "web/metrics.h"

#include <fmt/format.h>

#include "common/version.h"
#include "messages/node_events.h"

namespace bc::web {
namespace {

// One metric family: HELP and TYPE once, then its samples.
class Family {
 public:
  Family(std::string& out, std::string_view name, std::string_view type, std::string_view help)
      : out_(out), name_(name) {
    out_ += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  }
  void sample(std::string_view labels, double value, std::string_view suffix = {}) {
    out_ += name_;
    out_ += suffix;
    if (!labels.empty()) out_ += fmt::format("{{{}}}", labels);
    out_ += ' ';
    out_ += fmt::format("{}", value);
    out_ += '\n';
  }

 private:
  std::string& out_;
  std::string_view name_;
};

std::string node_labels(const NodeView& n) {
  return fmt::format("host=\"{}\",node=\"{}\",node_type=\"{}\"", escape_label(n.host),
                     escape_label(n.name), escape_label(n.type));
}

std::string with(const std::string& labels, std::string_view name, std::string_view value) {
  return fmt::format("{},{}=\"{}\"", labels, name, escape_label(value));
}

double seconds(std::int64_t us) {
  return static_cast<double>(us) / 1e6;
}

void render_hosts(std::string& out, const ClusterState& s) {
  Family up(out, "brocluster_host_up", "gauge",
            "1 while the host's supervisor is heard (the collector's verdict), else 0.");
  for (const auto& [name, h] : s.hosts()) {
    if (h.supervised) up.sample(fmt::format("host=\"{}\"", escape_label(name)), h.up ? 1 : 0);
  }
  Family hb(out, "brocluster_host_last_heartbeat_timestamp_seconds", "gauge",
            "When the host's supervisor sent its last heartbeat (its clock).");
  for (const auto& [name, h] : s.hosts()) {
    if (h.last_heartbeat_us > 0)
      hb.sample(fmt::format("host=\"{}\"", escape_label(name)), seconds(h.last_heartbeat_us));
  }
  Family counters(out, "brocluster_daemon_stat", "gauge",
                  "A figure a BroCluster daemon (role) counts as its last heartbeat reported it "
                  "(docs/PROTOCOL.md section 2: counts since the daemon started, and levels "
                  "such as jobs).");
  for (const auto& [name, h] : s.hosts()) {
    for (const auto& [role, d] : h.daemons) {
      for (const auto& [counter, value] : d.counters) {
        counters.sample(fmt::format("host=\"{}\",role=\"{}\",stat=\"{}\"", escape_label(name),
                                    escape_label(role), escape_label(counter)),
                        static_cast<double>(value));
      }
    }
  }
}

void render_node_state(std::string& out, const ClusterState& s) {
  Family state(out, "brocluster_node_state", "gauge",
               "1 for the node's current state, 0 for the others.");
  for (const auto& [name, n] : s.nodes()) {
    const std::string labels = node_labels(n);
    for (std::string_view st : msg::kNodeStates)
      state.sample(with(labels, "state", st), n.state == st ? 1 : 0);
    state.sample(with(labels, "state", "unreachable"), n.state == "unreachable" ? 1 : 0);
  }
  Family up(out, "brocluster_node_up", "gauge", "1 while the node is running, else 0.");
  for (const auto& [name, n] : s.nodes())
    up.sample(node_labels(n), n.state == "running" ? 1 : 0);
  Family desired(out, "brocluster_node_desired_up", "gauge",
                 "1 when the node should run (desired state running), else 0.");
  for (const auto& [name, n] : s.nodes())
    desired.sample(node_labels(n), n.desired == "running" ? 1 : 0);
  Family start(out, "brocluster_node_start_time_seconds", "gauge",
               "When the node's current process started; absent without a process.");
  for (const auto& [name, n] : s.nodes()) {
    if (n.started_at_us > 0) start.sample(node_labels(n), seconds(n.started_at_us));
  }
  Family restarts(out, "brocluster_node_restarts_total", "counter",
                  "Restarts after a crash seen on the bus since brocluster-web started.");
  for (const auto& [name, n] : s.nodes())
    restarts.sample(node_labels(n), static_cast<double>(n.restarts));
  Family crashes(out, "brocluster_node_crashes_total", "counter",
                 "Crashes seen on the bus since brocluster-web started.");
  for (const auto& [name, n] : s.nodes())
    crashes.sample(node_labels(n), static_cast<double>(n.crashes));
  Family last(out, "brocluster_node_last_crash_timestamp_seconds", "gauge",
              "When the node last crashed (since brocluster-web started).");
  for (const auto& [name, n] : s.nodes()) {
    if (n.last_crash_us > 0) last.sample(node_labels(n), seconds(n.last_crash_us));
  }
}

void render_node_stats(std::string& out, const ClusterState& s) {
  Family cpu(out, "brocluster_node_cpu_seconds_total", "counter",
             "CPU time the node's processes used, by mode (/proc/<pid>/stat utime, stime).");
  for (const auto& [name, n] : s.nodes()) {
    if (!n.cpu_user_s && !n.cpu_system_s) continue;
    const std::string labels = node_labels(n);
    cpu.sample(with(labels, "mode", "user"), n.cpu_user_base + n.cpu_user_s.value_or(0));
    cpu.sample(with(labels, "mode", "system"), n.cpu_system_base + n.cpu_system_s.value_or(0));
  }
  struct Gauge {
    const char* name;
    const char* help;
    double (*get)(const NodeView&);
  };
  const Gauge gauges[] = {
      {"brocluster_node_resident_memory_bytes", "Resident memory of the node's process.",
       [](const NodeView& n) { return static_cast<double>(n.rss); }},
      {"brocluster_node_virtual_memory_bytes", "Virtual memory size of the node's process.",
       [](const NodeView& n) { return static_cast<double>(n.vsize); }},
      {"brocluster_node_threads", "Threads of the node's process.",
       [](const NodeView& n) { return static_cast<double>(n.threads); }},
      {"brocluster_node_open_fds", "Open file descriptors of the node's process.",
       [](const NodeView& n) { return static_cast<double>(n.fds); }},
  };
  for (const Gauge& g : gauges) {
    Family f(out, g.name, "gauge", g.help);
    for (const auto& [name, n] : s.nodes()) {
      if (n.has_stats && n.state != "stopped") f.sample(node_labels(n), g.get(n));
    }
  }
  struct Packets {
    const char* name;
    const char* help;
    std::optional<std::uint64_t> NodeView::*now;
    std::uint64_t NodeView::*base;
  };
  const Packets packets[] = {
      {"brocluster_node_packets_received_total", "Packets the node captured (its netstats).",
       &NodeView::packets_received, &NodeView::received_base},
      {"brocluster_node_packets_dropped_total", "Packets the node's capture dropped.",
       &NodeView::packets_dropped, &NodeView::dropped_base},
      {"brocluster_node_packets_link_total", "Packets seen on the node's link.",
       &NodeView::packets_link, &NodeView::link_base},
  };
  for (const Packets& p : packets) {
    Family f(out, p.name, "counter", p.help);
    for (const auto& [name, n] : s.nodes()) {
      if (n.*p.now || n.*p.base > 0)
        f.sample(node_labels(n), static_cast<double>(n.*p.base + (n.*p.now).value_or(0)));
    }
  }
}

void render_restart_histogram(std::string& out, const ClusterState& s) {
  Family f(out, "brocluster_restart_duration_seconds", "histogram",
           "From a node's crashed event to its running event after the restart (publisher's "
           "clock), restarts seen since brocluster-web started.");
  const Histogram& h = s.restart_durations();
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < kRestartBuckets.size(); ++i) {
    cumulative += h.buckets[i];
    f.sample(fmt::format("le=\"{}\"", kRestartBuckets[i]), static_cast<double>(cumulative),
             "_bucket");
  }
  f.sample("le=\"+Inf\"", static_cast<double>(h.count), "_bucket");
  f.sample("", h.sum, "_sum");
  f.sample("", static_cast<double>(h.count), "_count");
}

void render_bus(std::string& out, const ClusterState& s) {
  Family events(out, "brocluster_bus_events_total", "counter",
                "Bus events brocluster-web received, by type.");
  for (const auto& [type, count] : s.events_by_type())
    events.sample(fmt::format("type=\"{}\"", escape_label(type)), static_cast<double>(count));
  Family gaps(out, "brocluster_bus_sequence_gaps_total", "counter",
              "Gaps in a publisher's sequence numbers (missed events, restarted publishers).");
  gaps.sample("", static_cast<double>(s.gaps()));
  Family rec(out, "brocluster_web_reconciliations_total", "counter",
             "Collector snapshots brocluster-web applied (at start and after each gap).");
  rec.sample("", static_cast<double>(s.snapshots()));
  Family alerts(out, "brocluster_alerts_total", "counter",
                "Alerts seen on the bus since brocluster-web started, by kind.");
  for (const auto& [kind, count] : s.alerts_by_kind())
    alerts.sample(fmt::format("kind=\"{}\"", escape_label(kind)), static_cast<double>(count));
}

void render_self(std::string& out, const ClusterState& s, const WebSelfStats& self) {
  Family build(out, "brocluster_build_info", "gauge",
               "Always 1; the version of brocluster-web in a label.");
  build.sample(fmt::format("version=\"{}\"", escape_label(kVersion)), 1);
  Family collector(out, "brocluster_collector_start_time_seconds", "gauge",
                   "When the collector started (from its heartbeat).");
  if (s.collector_start_us() > 0) collector.sample("", seconds(s.collector_start_us()));
  Family web(out, "brocluster_web_start_time_seconds", "gauge", "When brocluster-web started.");
  web.sample("", seconds(self.start_us));
  Family requests(out, "brocluster_web_http_requests_total", "counter",
                  "HTTP requests brocluster-web answered.");
  requests.sample("", static_cast<double>(self.http.requests));
  Family refused(out, "brocluster_web_http_refused_total", "counter",
                 "Connections refused because the cap of open connections (32) was reached.");
  refused.sample("", static_cast<double>(self.http.refused));
  Family timed_out(out, "brocluster_web_http_timeouts_total", "counter",
                   "Connections closed at a read or write deadline.");
  timed_out.sample("", static_cast<double>(self.http.timed_out));
  Family clients(out, "brocluster_web_http_clients", "gauge", "Open HTTP connections.");
  clients.sample("", static_cast<double>(self.clients));
  Family failures(out, "brocluster_web_snapshot_failures_total", "counter",
                  "Collector snapshot requests that got no answer in CommTimeout.");
  failures.sample("", static_cast<double>(self.snapshot_failures));
}

}  // namespace

std::string escape_label(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char ch : value) {
    if (ch == '\\') {
      out += "\\\\";
    } else if (ch == '"') {
      out += "\\\"";
    } else if (ch == '\n') {
      out += "\\n";
    } else {
      out += ch;
    }
  }
  return out;
}

std::string render_metrics(const ClusterState& state, const WebSelfStats& self) {
  std::string out;
  out.reserve(256 + state.nodes().size() * 2600);
  render_self(out, state, self);
  render_hosts(out, state);
  render_node_state(out, state);
  render_node_stats(out, state);
  render_restart_histogram(out, state);
  render_bus(out, state);
  return out;
}

}  // namespace bc::web
