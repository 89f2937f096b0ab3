#include "shell/local_host.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <unistd.h>

#include <climits>
#include <set>

#include "config/endpoints.h"

namespace bc::shell {
namespace {

// Numeric addresses of this machine's interfaces.
std::set<std::string> own_addresses() {
  std::set<std::string> out;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return out;
  for (ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr) continue;
    char text[INET6_ADDRSTRLEN] = {};
    const int family = i->ifa_addr->sa_family;
    if (family == AF_INET) {
      inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr, text, sizeof text);
    } else if (family == AF_INET6) {
      inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(i->ifa_addr)->sin6_addr, text,
                sizeof text);
    } else {
      continue;
    }
    out.insert(text);
  }
  freeifaddrs(list);
  return out;
}

bool is_loopback(const std::string& a) {
  return a == "localhost" || a.starts_with("127.") || a == "::1";
}

}  // namespace

bool is_local_host(const std::string& host, const std::string& address) {
  if (is_loopback(host) || is_loopback(address)) return true;
  char name[HOST_NAME_MAX + 1] = {};
  if (gethostname(name, sizeof name) == 0 && host == name) return true;
  const std::set<std::string> addresses = own_addresses();
  return addresses.count(address.empty() ? host : address) > 0;
}

bool is_local_node(const config::NodeSpec& node) {
  return is_local_host(node.host, node.address);
}

std::vector<std::string> local_hosts(const config::Cluster& cluster) {
  std::vector<std::string> out;
  for (const std::string& host : cluster.hosts()) {
    if (is_local_host(host, config::host_address(cluster, host))) out.push_back(host);
  }
  return out;
}

bool is_one_box(const config::Cluster& cluster) {
  const std::vector<std::string> hosts = cluster.hosts();
  const std::string broker = config::broker_address(cluster);
  return hosts.size() == 1 && local_hosts(cluster).size() == 1 && is_local_host(broker, broker);
}

}  // namespace bc::shell
