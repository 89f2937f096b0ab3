#include "collector/trace_summary.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <vector>

#include "collector/zeek_log.h"

namespace bc::collector {
namespace {

struct Tally {
  std::uint64_t connections = 0;
  double bytes = 0;
  void add(double b) {
    ++connections;
    bytes += b;
  }
};

std::string human_bytes(double b) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  int u = 0;
  while (b >= 1024 && u < 4) {
    b /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", b, units[u]);
  return buf;
}

std::string table(const std::string& title, const std::map<std::string, Tally>& tallies,
                  double total_bytes, std::size_t top) {
  std::vector<std::pair<std::string, Tally>> rows(tallies.begin(), tallies.end());
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return a.second.bytes != b.second.bytes ? a.second.bytes > b.second.bytes : a.first < b.first;
  });
  if (rows.size() > top) rows.resize(top);
  std::string out = title + "\n";
  char line[256];
  std::snprintf(line, sizeof line, "  %-40s %12s %8s %12s\n", "", "connections", "%bytes", "bytes");
  out += line;
  for (const auto& [key, t] : rows) {
    const double pct = total_bytes > 0 ? 100.0 * t.bytes / total_bytes : 0;
    std::snprintf(line, sizeof line, "  %-40s %12llu %7.1f%% %12s\n", key.c_str(),
                  static_cast<unsigned long long>(t.connections), pct,
                  human_bytes(t.bytes).c_str());
    out += line;
  }
  return out + "\n";
}

}  // namespace

Result<std::string> summarize_conn_log(const std::string& path, const SummaryOptions& options) {
  Tally total;
  double first_ts = 0;
  double last_ts = 0;
  std::map<std::string, Tally> protos, services, originators, responders;
  std::map<std::string, std::string> service_names;  // port/proto -> what the analysis saw
  Status s = read_zeek_log(path, [&](const ZeekRecord& r) {
    const double bytes = r.number("orig_bytes") + r.number("resp_bytes");
    const double ts = r.number("ts");
    if (ts > 0 && (first_ts == 0 || ts < first_ts)) first_ts = ts;
    last_ts = std::max(last_ts, ts + r.number("duration"));
    total.add(bytes);
    const std::string proto = r.get("proto");
    protos[proto.empty() ? "?" : proto].add(bytes);
    const std::string port = r.get("id.resp_p") + "/" + proto;
    services[port].add(bytes);
    if (const std::string service = r.get("service"); !service.empty())
      service_names[port] = service;
    originators[r.get("id.orig_h")].add(bytes);
    responders[r.get("id.resp_h")].add(bytes);
  });
  if (!s.is_ok()) return s;
  char head[256];
  std::snprintf(head, sizeof head, "%llu connections, %s, %.0f s of traffic\n\n",
                static_cast<unsigned long long>(total.connections),
                human_bytes(total.bytes).c_str(), last_ts > first_ts ? last_ts - first_ts : 0.0);
  std::string out = "Traffic summary of " + path + "\n\n" + head;
  if (total.connections == 0) return out;
  out += table("Protocols", protos, total.bytes, options.top);
  std::map<std::string, Tally> named;
  for (const auto& [port, tally] : services) {
    const auto name = service_names.find(port);
    named[name == service_names.end() ? port : port + " " + name->second] = tally;
  }
  out += table("Top services (port/protocol)", named, total.bytes, options.top);
  out += table("Top originators", originators, total.bytes, options.top);
  out += table("Top responders", responders, total.bytes, options.top);
  return out;
}

}  // namespace bc::collector
