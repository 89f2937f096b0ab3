#include "config/zeek_ports.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <map>

#include "common/os_error.h"
#include "common/strings.h"
#include "config/text_util.h"

namespace bc::config {
namespace {

constexpr std::array<std::string_view, 4> kBusPorts = {"BrokerPubPort", "BrokerSubPort",
                                                       "SupervisorPort", "CollectorPort"};

std::string describe_use(const ZeekPortUse& use) {
  return use.what + " " + std::to_string(use.port) + " of " + use.node + " on " + use.host;
}

// The host that runs the broker and the collector: BrokerHost, else the manager's.
bool on_broker_host(const ZeekPortUse& use, const ClusterConfig& options) {
  const std::string broker = options.get("BrokerHost");
  return broker.empty() || iequals(broker, use.host) || broker == use.address;
}

}  // namespace

std::optional<PortRange> parse_port_range(std::string_view text) {
  const std::vector<std::string> parts = split_trimmed(text, " \t\r\n");
  std::int64_t first = 0;
  std::int64_t last = 0;
  if (parts.size() != 2 || !parse_int(parts[0], &first) || !parse_int(parts[1], &last) ||
      first < 1 || last > 65535 || first > last) {
    return std::nullopt;
  }
  return PortRange{static_cast<int>(first), static_cast<int>(last)};
}

PortRange local_ephemeral_range(const std::string& path) {
  int err = 0;
  if (const std::optional<std::string> text = detail::read_text_file(path, &err)) {
    if (const std::optional<PortRange> range = parse_port_range(*text)) return *range;
  }
  return PortRange{};
}

std::vector<ZeekPortUse> zeek_port_uses(const ZeekLayout& layout) {
  std::vector<ZeekPortUse> uses;
  const ZeekNodePorts* head = nullptr;
  for (const ZeekNodePorts& n : layout.nodes) {
    if (n.type == NodeType::kManager || n.type == NodeType::kStandalone) head = &n;
  }
  if (head != nullptr && layout.xpub_port != 0) {
    uses.push_back({head->name, head->host, head->address, layout.xpub_port, "ZeroMQ XPUB port"});
    uses.push_back({head->name, head->host, head->address, layout.xsub_port, "ZeroMQ XSUB port"});
  }
  for (const ZeekNodePorts& n : layout.nodes) {
    uses.push_back({n.name, n.host, n.address, n.port, "cluster port"});
    if (n.metrics_port != 0) {
      const std::string address =
          layout.metrics_address.empty() ? n.address : layout.metrics_address;
      uses.push_back({n.name, n.host, address, n.metrics_port, "metrics port"});
    }
  }
  if (head != nullptr && layout.websocket) {
    uses.push_back({head->name, head->host, layout.websocket->address, layout.websocket->port,
                    "WebSocket port"});
  }
  return uses;
}

std::vector<std::string> zeek_port_problems(const ZeekLayout& layout, const ClusterConfig& options,
                                            const PortRange& ephemeral) {
  std::vector<std::string> problems;
  // Host (lower case) and port -> the first use, for duplicates.
  std::map<std::pair<std::string, int>, std::string> taken;
  for (const ZeekPortUse& use : zeek_port_uses(layout)) {
    if (use.port >= ephemeral.first && use.port <= ephemeral.last) {
      problems.push_back(describe_use(use) + " lies in the ephemeral port range " +
                         std::to_string(ephemeral.first) + "-" + std::to_string(ephemeral.last) +
                         " (an outgoing connection can take it first); choose ZeekPort or "
                         "MetricsPort outside it");
    }
    const auto [it, fresh] =
        taken.emplace(std::pair{to_lower(use.host), use.port}, describe_use(use));
    if (!fresh) problems.push_back(describe_use(use) + " is already the " + it->second);
    for (std::string_view bus : kBusPorts) {
      const bool every_host = bus == "SupervisorPort";
      if (options.get_int(bus) != use.port || !(every_host || on_broker_host(use, options))) {
        continue;
      }
      problems.push_back(describe_use(use) + " is BroCluster's " + std::string(bus) +
                         "; move ZeekPort, MetricsPort or " + std::string(bus));
    }
  }
  return problems;
}

std::optional<std::string> probe_tcp_port(const std::string& address, int port) {
  const bool v6 = address.find(':') != std::string::npos;
  const int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno_text(errno);
  const int on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  int rc = 0;
  if (v6) {
    sockaddr_in6 sa{};
    sa.sin6_family = AF_INET6;
    sa.sin6_addr = in6addr_any;
    sa.sin6_port = htons(static_cast<std::uint16_t>(port));
    rc = ::bind(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa);
  } else {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_ANY);
    sa.sin_port = htons(static_cast<std::uint16_t>(port));
    rc = ::bind(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa);
  }
  const int err = errno;
  ::close(fd);
  if (rc != 0) return errno_text(err);
  return std::nullopt;
}

std::vector<std::string> busy_zeek_ports(const ZeekLayout& layout,
                                         const std::function<bool(const ZeekPortUse&)>& select,
                                         const PortProbe& probe) {
  std::vector<std::string> busy;
  for (const ZeekPortUse& use : zeek_port_uses(layout)) {
    if (!select(use)) continue;
    if (const std::optional<std::string> why = probe(use.address, use.port)) {
      busy.push_back(describe_use(use) + " cannot be bound: " + *why);
    }
  }
  return busy;
}

}  // namespace bc::config
