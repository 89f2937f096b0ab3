#include "web/service_discovery.h"

#include <regex>

#include "common/file_util.h"
#include "common/strings.h"

namespace bc::web {
namespace {

// $ip as Zeek writes it: an IPv6 address in brackets, as a target needs it too.
std::string host_port(const std::string& address, const std::string& port) {
  if (address.find(':') != std::string::npos && !address.starts_with("["))
    return "[" + address + "]:" + port;
  return address + ":" + port;
}

bool specific(const std::string& address) {
  return !address.empty() && address != "0.0.0.0" && address != "::" && address != "[::]";
}

}  // namespace

std::vector<ScrapeTarget> zeek_targets(const std::string& layout_text,
                                       const std::string& metrics_address,
                                       const std::string& standalone_node) {
  std::vector<ScrapeTarget> out;
  static const std::regex node_line(
      R"re(\["([^"]+)"\] = \[\$node_type=Cluster::([A-Z]+), \$ip=([^,\]]+),.*\$metrics_port=(\d+)/tcp)re");
  static const std::regex standalone(R"re(Telemetry::metrics_port = (\d+)/tcp)re");
  for (const std::string& line : split_trimmed(layout_text, "\n")) {
    std::smatch m;
    if (std::regex_search(line, m, node_line)) {
      const std::string address = specific(metrics_address) ? metrics_address : m[3].str();
      out.push_back({host_port(address, m[4].str()), m[1].str(), to_lower(m[2].str()), "zeek"});
    } else if (std::regex_search(line, m, standalone) && !standalone_node.empty()) {
      const std::string address = specific(metrics_address) ? metrics_address : "127.0.0.1";
      out.push_back({host_port(address, m[1].str()), standalone_node, "standalone", "zeek"});
    }
  }
  return out;
}

std::vector<ScrapeTarget> scrape_targets(const config::Cluster& cluster,
                                         const std::string& web_target) {
  std::vector<ScrapeTarget> out = {{web_target, "", "", "brocluster"}};
  const std::string auto_dir = cluster.options.get("SpoolDir") + "/installed/current/auto/";
  const std::string standalone_node =
      cluster.standalone() && !cluster.nodes.empty() ? cluster.nodes.front().name : "";
  for (const char* file : {"cluster-layout.zeek", "standalone-layout.zeek"}) {
    auto text = read_file(auto_dir + file);
    if (!text.is_ok()) continue;
    for (ScrapeTarget& t :
         zeek_targets(*text, cluster.options.get("MetricsAddress"), standalone_node))
      out.push_back(std::move(t));
  }
  return out;
}

msg::Value service_groups(const std::vector<ScrapeTarget>& targets) {
  msg::Value out = msg::Value::empty_array();
  for (const ScrapeTarget& t : targets) {
    msg::Value labels = msg::Value::empty_map();
    labels.set("brocluster_kind", t.kind);
    if (!t.node.empty()) labels.set("node", t.node).set("node_type", t.node_type);
    msg::Value group = msg::Value::empty_map();
    group.set("targets", msg::Value::empty_array().push_back(t.target));
    group.set("labels", std::move(labels));
    out.push_back(std::move(group));
  }
  return out;
}

}  // namespace bc::web
