// make_zeek_layout(): zeekctl's install.py make_layout() for the zeekctl of each Zeek
// release (the pinned versions are in docs/ZEEK.md), rewritten: one pass hands out the
// ports in zeekctl's order, a second renders the text with the fields of the version.

#include "config/zeek_layout.h"

#include <algorithm>

#include "common/strings.h"

namespace bc::config {
namespace {

constexpr int kMaxZeekPort = 65535;

// What changed in make_layout() between the zeekctl versions that Zeek releases pin.
struct LayoutTraits {
  bool manager_first;       // 7.0 (2.5.0-49): manager before loggers
  bool interface_field;     // before 7.1 (2.5.0-76): workers carry $interface
  bool deprecation_pragma;  // 7.0 only: $interface is deprecated there
  bool metrics;             // 7.0: $metrics_port
  bool metrics_guard;       // 7.2 (2.6.0-11): standalone's metrics port behind @if
  bool websocket;           // 8.0 (2.6.0-20): optional listen_websocket block
  bool zeromq_ports;        // 8.1 (2.6.0-35): ZeroMQ takes the first two ports
};

LayoutTraits traits_for(const ZeekVersion& v) {
  const auto at_least = [&v](int major, int minor) { return v >= ZeekVersion{major, minor, 0}; };
  return LayoutTraits{
      .manager_first = at_least(7, 0),
      .interface_field = !at_least(7, 1),
      .deprecation_pragma = at_least(7, 0) && !at_least(7, 1),
      .metrics = at_least(7, 0),
      .metrics_guard = at_least(7, 2),
      .websocket = at_least(8, 0),
      .zeromq_ports = at_least(8, 1),
  };
}

// zeekctl's util.format_zeek_addr: IPv6 in brackets. A zone id is not part of $ip.
std::string zeek_addr(std::string_view address) {
  address = address.substr(0, address.find('%'));
  if (address.find(':') == std::string_view::npos) return std::string(address);
  return "[" + std::string(address) + "]";
}

// A Zeek string literal. zeekctl does not escape; for every name it accepts the result
// is the same, and an odd interface name cannot break the script.
std::string port_text(int port) {
  return std::to_string(port) + "/tcp";
}

// zeekctl's Port class: a counter that hands out consecutive ports.
class PortCounter {
 public:
  explicit PortCounter(int first) : next_(first) {}
  int take() { return next_++; }

 private:
  int next_;
};

// Nodes of one type in zeekctl's order: node.cfg order, an lb_procs group in index order
// (zeekctl's per-type count), not our display order by name.
std::vector<const NodeSpec*> in_zeekctl_order(const std::vector<NodeSpec>& nodes, NodeType type) {
  std::vector<const NodeSpec*> out;
  for (const NodeSpec& n : nodes) {
    if (n.type == type) out.push_back(&n);
  }
  std::stable_sort(out.begin(), out.end(), [](const NodeSpec* a, const NodeSpec* b) {
    return a->line != b->line ? a->line < b->line : a->lb_index < b->lb_index;
  });
  return out;
}

class LayoutBuilder {
 public:
  LayoutBuilder(const std::vector<NodeSpec>& nodes, const ZeekVersion& version,
                const ZeekLayoutSettings& settings)
      : nodes_(nodes),
        settings_(settings),
        traits_(traits_for(version)),
        zeek_ports_(settings.zeek_port),
        metrics_ports_(settings.metrics_port) {
    layout_.version = version;
    layout_.metrics_address = settings.metrics_address;
    if (traits_.websocket) layout_.websocket = settings.websocket;
  }

  Result<ZeekLayout> build() {
    const std::vector<const NodeSpec*> standalone = in_zeekctl_order(nodes_, NodeType::kStandalone);
    const std::vector<const NodeSpec*> managers = in_zeekctl_order(nodes_, NodeType::kManager);
    const NodeSpec* head = !standalone.empty() ? standalone.front()
                           : !managers.empty() ? managers.front()
                                               : nullptr;
    if (head == nullptr) {
      return Status::invalid_argument("node.cfg has neither a manager nor a standalone node");
    }
    layout_.manager_address = head->address;
    if (settings_.backend == ZeekBackend::kZeroMQ && traits_.zeromq_ports) {
      layout_.xpub_port = zeek_ports_.take();
      layout_.xsub_port = zeek_ports_.take();
    }
    if (standalone.empty()) {
      assign_cluster(*head);
    } else {
      add(*head);
    }
    if (Status s = check_port_range(); !s) return s;
    layout_.file_name = standalone.empty() ? "cluster-layout.zeek" : "standalone-layout.zeek";
    layout_.text = standalone.empty() ? render_cluster() : render_standalone();
    layout_.text += render_websocket();
    return std::move(layout_);
  }

 private:
  // The order zeekctl hands out ports: control, then the manager before the loggers from
  // 7.0 on (so that the manager gets MetricsPort itself), proxies, workers.
  void assign_cluster(const NodeSpec& manager) {
    layout_.control_port = zeek_ports_.take();
    if (traits_.manager_first) add(manager);
    for (const NodeSpec* n : in_zeekctl_order(nodes_, NodeType::kLogger))
      add(*n);
    if (!traits_.manager_first) add(manager);
    for (const NodeSpec* n : in_zeekctl_order(nodes_, NodeType::kProxy))
      add(*n);
    for (const NodeSpec* n : in_zeekctl_order(nodes_, NodeType::kWorker))
      add(*n);
  }

  void add(const NodeSpec& n) {
    specs_.push_back(&n);
    ZeekNodePorts& p = layout_.nodes.emplace_back();
    p.name = n.name;
    p.type = n.type;
    p.host = n.host;
    p.address = n.address;
    p.port = zeek_ports_.take();
    if (traits_.metrics && settings_.metrics_port != 0) p.metrics_port = metrics_ports_.take();
  }

  Status check_port_range() const {
    for (const ZeekNodePorts& n : layout_.nodes) {
      if (n.port > kMaxZeekPort || n.metrics_port > kMaxZeekPort) {
        const bool metrics = n.metrics_port > kMaxZeekPort;
        return Status::invalid_argument(
            std::string(metrics ? "MetricsPort " : "ZeekPort ") +
            std::to_string(metrics ? settings_.metrics_port : settings_.zeek_port) +
            " leaves too few ports: node " + n.name + " would get port " +
            std::to_string(metrics ? n.metrics_port : n.port) + " (above 65535)");
      }
    }
    return Status::ok();
  }

  std::string render_node(const ZeekNodePorts& n, const NodeSpec& spec,
                          const std::string& manager) const {
    std::string line = "\t[\"" + n.name + "\"] = [$node_type=Cluster::" + zeek_type(n.type) +
                       ", $ip=" + zeek_addr(n.address) + ", $p=" + port_text(n.port);
    if (n.type == NodeType::kWorker && traits_.interface_field) {
      line += ", $interface=" + zeek_string(spec.interface);
    }
    if (n.type == NodeType::kProxy || n.type == NodeType::kWorker) {
      line += ", $manager=\"" + manager + "\"";
    }
    if (n.metrics_port != 0) line += ", $metrics_port=" + port_text(n.metrics_port);
    return line + "],\n";
  }

  std::string render_cluster() const {
    const bool has_logger = std::any_of(nodes_.begin(), nodes_.end(), [](const NodeSpec& n) {
      return n.type == NodeType::kLogger;
    });
    const auto manager = std::find_if(layout_.nodes.begin(), layout_.nodes.end(),
                                      [](const auto& n) { return n.type == NodeType::kManager; });
    std::string out = "# Automatically generated. Do not edit.\n";
    out += std::string("redef Cluster::manager_is_logger = ") + (has_logger ? "F" : "T") + ";\n";
    if (traits_.deprecation_pragma) out += "@pragma push ignore-deprecations\n";
    out += "redef Cluster::nodes = {\n";
    out += "\t[\"control\"] = [$node_type=Cluster::CONTROL, $ip=" +
           zeek_addr(layout_.manager_address) + ", $p=" + port_text(layout_.control_port) + "],\n";
    for (std::size_t i = 0; i < layout_.nodes.size(); ++i) {
      out += render_node(layout_.nodes[i], *specs_[i], manager->name);
    }
    out += "};\n";
    if (traits_.deprecation_pragma) out += "@pragma pop ignore-deprecations\n";
    return out;
  }

  std::string render_standalone() const {
    const ZeekNodePorts& node = layout_.nodes.front();
    std::string out = "# Automatically generated. Do not edit.\n";
    out += "redef Broker::default_port = " + port_text(node.port) + ";\n";
    if (node.metrics_port != 0) {
      const std::string redef =
          "redef Telemetry::metrics_port = " + port_text(node.metrics_port) + ";\n";
      out += traits_.metrics_guard
                 ? "@if ( getenv(\"ZEEKCTL_DISABLE_LISTEN\") == \"\" )\n" + redef + "@endif\n"
                 : redef;
    }
    if (traits_.metrics_guard) out += "\n";
    out += "event zeek_init()\n\t{\n";
    out += "\tif ( getenv(\"ZEEKCTL_DISABLE_LISTEN\") == \"\" )\n";
    out += "\t\tBroker::listen();\n\t}\n";
    return out;
  }

  std::string render_websocket() const {
    if (!layout_.websocket) return {};
    return "\nevent zeek_init()\n\t{\n"
           "\tif ( getenv(\"ZEEKCTL_DISABLE_LISTEN\") == \"\" && (Cluster::local_node_type() == "
           "Cluster::MANAGER || ! Cluster::is_enabled()) )\n"
           "\t\t{\n"
           "\t\tCluster::listen_websocket([$listen_addr=" +
           zeek_addr(layout_.websocket->address) +
           ", $listen_port=" + port_text(layout_.websocket->port) +
           "]);\n"
           "\t\t}\n"
           "\t}\n";
  }

  static std::string zeek_type(NodeType type) {
    switch (type) {
      case NodeType::kLogger:
        return "LOGGER";
      case NodeType::kManager:
        return "MANAGER";
      case NodeType::kProxy:
        return "PROXY";
      case NodeType::kWorker:
      case NodeType::kStandalone:
        break;
    }
    return "WORKER";
  }

  const std::vector<NodeSpec>& nodes_;
  const ZeekLayoutSettings& settings_;
  const LayoutTraits traits_;
  PortCounter zeek_ports_;
  PortCounter metrics_ports_;
  ZeekLayout layout_;
  std::vector<const NodeSpec*> specs_;  // parallel to layout_.nodes
};

}  // namespace

ZeekLayoutSettings zeekctl_layout_defaults(const ZeekVersion& version) {
  ZeekLayoutSettings s;
  // zeekctl 2.6.0-44 (Zeek 8.1) made ZeroMQ and the WebSocket listener the defaults.
  if (version >= ZeekVersion{8, 1, 0}) {
    s.backend = ZeekBackend::kZeroMQ;
    s.websocket = ZeekListen{"127.0.0.1", 27759};
  }
  return s;
}

ZeekLayoutSettings zeek_layout_settings(const ClusterConfig& options, const ZeekVersion& version) {
  ZeekLayoutSettings s = zeekctl_layout_defaults(version);
  s.zeek_port = static_cast<int>(options.get_int("ZeekPort"));
  s.metrics_port = static_cast<int>(options.get_int("MetricsPort"));
  s.metrics_address = options.get("MetricsAddress");
  if (const std::string backend = options.get("ClusterBackend"); !backend.empty()) {
    s.backend = iequals(backend, "zeromq") ? ZeekBackend::kZeroMQ : ZeekBackend::kBroker;
  }
  // The control channel (print, netstats, peerstatus) needs the listener on every Zeek
  // that has Cluster::listen_websocket, not only where zeekctl turns it on by default.
  s.websocket = zeek_control_listener(options, version);
  return s;
}

std::optional<ZeekListen> zeek_control_listener(const ClusterConfig& options,
                                                const ZeekVersion& version) {
  const int port = static_cast<int>(options.get_int("ZeekControlPort"));
  if (port == 0 || !traits_for(version).websocket) return std::nullopt;
  return ZeekListen{options.get("ZeekControlAddress"), port};
}

Result<ZeekLayout> make_zeek_layout(const std::vector<NodeSpec>& nodes, const ZeekVersion& version,
                                    const ZeekLayoutSettings& settings) {
  if (version < kMinZeekVersion) {
    return Status::unsupported("Zeek " + version.to_string() + " is not supported (needs " +
                               kMinZeekVersion.to_string() + " or later)");
  }
  if (settings.websocket && !traits_for(version).websocket) {
    return Status::invalid_argument("the WebSocket listener needs Zeek 8.0 or later, not " +
                                    version.to_string());
  }
  return LayoutBuilder(nodes, version, settings).build();
}

std::string render_zeek_telemetry_config(const ZeekLayout& layout) {
  const bool any_metrics = std::any_of(layout.nodes.begin(), layout.nodes.end(),
                                       [](const ZeekNodePorts& n) { return n.metrics_port != 0; });
  if (!any_metrics || layout.metrics_address.empty()) return {};
  // Telemetry::metrics_address is a string: the address goes in quotes, without brackets.
  return "# Automatically generated. Do not edit.\n"
         "@if ( |Telemetry::metrics_address| == 0 )\n"
         "redef Telemetry::metrics_address = " +
         zeek_string(layout.metrics_address) +
         ";\n"
         "@endif\n";
}

std::string zeek_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) >= 0x20) out += c;
  }
  return out + "\"";
}

}  // namespace bc::config
