#include "tests/fake_zeek/fake_control_endpoint.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include "messages/json_reader.h"
#include "net/websocket_accept.h"
#include "net/websocket_frame.h"

namespace fake_zeek {
namespace {

using bc::msg::Json;
namespace ws = bc::net::ws;

constexpr std::string_view kRequestPrefix = "zeek/brocluster/control/request/";

struct Connection {
  int fd = -1;
  std::mutex write_mutex;
  std::vector<std::string> subscriptions;  // set once, after the ack
};

struct Endpoint {
  std::string self;  // this process's node name (a standalone node's requests name "")
  std::string version;
  std::string layout;  // the layout file's text
  Setting setting;
  std::mutex mutex;
  std::vector<std::shared_ptr<Connection>> connections;
  int next_id = 0;
};

Endpoint* g_endpoint = nullptr;

void send_frame(Connection& c, ws::Opcode op, std::string_view payload) {
  const std::string bytes = ws::encode_frame(op, payload, true, std::nullopt);
  const std::lock_guard lock(c.write_mutex);
  (void)::send(c.fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string typed_string(std::string_view s) {
  return "{\"@data-type\":\"string\",\"data\":" + json_string(s) + "}";
}

// Zeek's publish: to every connection subscribed to a prefix of `topic`.
void publish(const std::string& topic, const std::string& event,
             const std::vector<std::string>& args) {
  std::string data = "{\"type\":\"data-message\",\"topic\":" + json_string(topic) +
                     ",\"@data-type\":\"vector\",\"data\":[{\"@data-type\":\"count\",\"data\":1},"
                     "{\"@data-type\":\"count\",\"data\":1},{\"@data-type\":\"vector\",\"data\":[" +
                     typed_string(event) + ",{\"@data-type\":\"vector\",\"data\":[";
  for (std::size_t i = 0; i < args.size(); ++i)
    data += (i > 0 ? "," : "") + typed_string(args[i]);
  data += "]},{\"@data-type\":\"vector\",\"data\":[]}]}]}";
  std::vector<std::shared_ptr<Connection>> to;
  {
    const std::lock_guard lock(g_endpoint->mutex);
    for (const auto& c : g_endpoint->connections) {
      for (const std::string& prefix : c->subscriptions) {
        if (topic.starts_with(prefix)) {
          to.push_back(c);
          break;
        }
      }
    }
  }
  for (const auto& c : to)
    send_frame(*c, ws::Opcode::kText, data);
}

std::string now_text() {
  char buf[32];
  std::snprintf(
      buf, sizeof buf, "%.6f",
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count());
  return buf;
}

// What node `node` (a Zeek process of the layout) answers to `event`.
void answer(const std::string& node, const std::string& event,
            const std::vector<std::string>& args) {
  if (args.empty()) return;
  const std::string& reply_topic = args[0];
  if (!reply_topic.starts_with("zeek/brocluster/control/reply/")) return;
  const long delay = std::strtol(g_endpoint->setting(node, "ws_delay_ms").c_str(), nullptr, 10);
  if (delay > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay));
  if (event == "BroCluster::id_value_request" && args.size() == 2) {
    std::string value = g_endpoint->setting(node, "id:" + args[1]);
    if (value.empty()) value = args[1] == "Cluster::node" ? node : "<unknown id>";
    publish(reply_topic, "Control::id_value_response", {args[1], value});
  } else if (event == "BroCluster::net_stats_request") {
    publish(reply_topic, "Control::net_stats_response",
            {now_text() + " recvd=1234 dropped=5 link=1240\n"});
  } else if (event == "BroCluster::peer_status_request") {
    std::string peers = g_endpoint->setting(node, "peers");
    if (peers.empty() && node != "manager" && !node.empty()) peers = "manager";
    std::string text;
    std::stringstream list(peers);
    std::string peer;
    while (std::getline(list, peer, ','))
      text += now_text() + " peer=" + peer + " host=127.0.0.1 status=peered\n";
    publish(reply_topic, "Control::peer_status_response", {text});
  }
}

// A data-message for a node's request topic: the node it names, when the layout has it.
std::optional<std::string> addressed_node(const std::string& topic) {
  if (!topic.starts_with(kRequestPrefix) || !topic.ends_with("/")) return std::nullopt;
  const std::string node =
      topic.substr(kRequestPrefix.size(), topic.size() - kRequestPrefix.size() - 1);
  // "" is a standalone node's Cluster::node; other names must be in the layout.
  if (!node.empty() && g_endpoint->layout.find("[\"" + node + "\"]") == std::string::npos) {
    return std::nullopt;
  }
  return node;
}

void on_data_message(const Json& message) {
  auto node = addressed_node(message["topic"].str());
  if (!node) return;  // nobody subscribed: the event goes nowhere, as in Zeek
  const Json& body = message["data"][2]["data"];
  std::vector<std::string> args;
  for (const Json& a : body[1]["data"].array())
    args.push_back(a["data"].str());
  answer(node->empty() ? g_endpoint->self : *node, body[0]["data"].str(), args);
}

bool read_more(int fd, std::string& buffer) {
  char chunk[4096];
  const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
  if (n <= 0) return false;
  buffer.append(chunk, static_cast<std::size_t>(n));
  return true;
}

void serve(std::shared_ptr<Connection> c) {
  std::string buffer;
  while (buffer.find("\r\n\r\n") == std::string::npos) {
    if (buffer.size() > 16384 || !read_more(c->fd, buffer)) return;
  }
  const std::string head = buffer.substr(0, buffer.find("\r\n\r\n"));
  buffer.erase(0, head.size() + 4);
  const auto at = head.find("Sec-WebSocket-Key: ");
  if (!head.starts_with("GET /v1/messages/json ") || at == std::string::npos) {
    const std::string no = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
    (void)::send(c->fd, no.data(), no.size(), MSG_NOSIGNAL);
    return;
  }
  const std::string key = head.substr(at + 19, head.find("\r\n", at) - at - 19);
  const std::string ok =
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
      "Connection: Upgrade\r\nSec-WebSocket-Accept: " +
      ws::accept_key(key) + "\r\n\r\n";
  (void)::send(c->fd, ok.data(), ok.size(), MSG_NOSIGNAL);
  bool subscribed = false;
  bool ponged = false;
  std::vector<Json> waiting;  // requests held until the pong
  for (;;) {
    ws::Decoded d = ws::decode_frame(buffer, 1 << 20, ws::Side::kFromClient);
    if (d.kind == ws::Decoded::Kind::kError) return;
    if (d.kind == ws::Decoded::Kind::kNeedMore) {
      if (!read_more(c->fd, buffer)) return;
      continue;
    }
    buffer.erase(0, d.consumed);
    if (d.frame.opcode == ws::Opcode::kClose) return;
    if (d.frame.opcode == ws::Opcode::kPong) {
      ponged = true;
      for (const Json& m : waiting)
        on_data_message(m);
      waiting.clear();
      continue;
    }
    if (d.frame.opcode != ws::Opcode::kText) continue;
    auto message = Json::parse(d.frame.payload);
    if (!message) return;
    if (!subscribed) {
      std::vector<std::string> topics;
      for (const Json& t : message->array())
        topics.push_back(t.str());
      int id = 0;
      {
        const std::lock_guard lock(g_endpoint->mutex);
        c->subscriptions = topics;
        id = g_endpoint->next_id++;
      }
      send_frame(*c, ws::Opcode::kText,
                 "{\"type\":\"ack\",\"endpoint\":\"fake-zeek-websocket-" + std::to_string(id) +
                     "\",\"version\":" + json_string(g_endpoint->version) + "}");
      send_frame(*c, ws::Opcode::kPing, "fake-zeek");
      subscribed = true;
      continue;
    }
    if ((*message)["type"].str() != "data-message") continue;
    if (ponged) {
      on_data_message(*message);
    } else {
      waiting.push_back(*message);
    }
  }
}

void accept_loop(int listen_fd) {
  for (;;) {
    const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    auto c = std::make_shared<Connection>();
    c->fd = fd;
    {
      const std::lock_guard lock(g_endpoint->mutex);
      g_endpoint->connections.push_back(c);
    }
    std::thread([c] {
      serve(c);
      {
        const std::lock_guard lock(g_endpoint->mutex);
        std::erase(g_endpoint->connections, c);
      }
      const std::lock_guard lock(c->write_mutex);
      ::close(c->fd);
    }).detach();
  }
}

// The text of the layout file on ZEEKPATH (cluster or standalone), "" if none.
std::string find_layout(bool standalone) {
  const char* zeekpath = std::getenv("ZEEKPATH");
  std::stringstream dirs(zeekpath != nullptr ? zeekpath : "");
  std::string dir;
  const std::string name = standalone ? "standalone-layout.zeek" : "cluster-layout.zeek";
  while (std::getline(dirs, dir, ':')) {
    std::ifstream in(dir + "/" + name);
    if (in) return std::string((std::istreambuf_iterator<char>(in)), {});
  }
  return "";
}

bool at_least_8(const std::string& version) {
  int major = 0;
  std::sscanf(version.c_str(), "%d", &major);
  return major >= 8;
}

}  // namespace

std::string start_control_endpoint(const std::string& node, const std::string& version,
                                   const Setting& setting) {
  // The layout's listen block is skipped under ZEEKCTL_DISABLE_LISTEN (check, scripts).
  if (const char* off = std::getenv("ZEEKCTL_DISABLE_LISTEN"); off != nullptr && *off != '\0') {
    return "";
  }
  const char* cluster_node = std::getenv("CLUSTER_NODE");
  const bool standalone = cluster_node == nullptr || *cluster_node == '\0';
  const std::string layout = find_layout(standalone);
  if (!standalone) {
    const auto at = layout.find("[\"" + node + "\"]");
    if (at == std::string::npos ||
        layout.substr(at, layout.find('\n', at) - at).find("Cluster::MANAGER") ==
            std::string::npos) {
      return "";
    }
  }
  if (!at_least_8(version)) return "";
  // $listen_addr=127.0.0.1, $listen_port=27759/tcp, as config/zeek_layout.cc renders it.
  std::string address = "127.0.0.1";
  int port = std::atoi(setting(node, "ws_port").c_str());
  if (const auto at = layout.find("Cluster::listen_websocket([$listen_addr=");
      at != std::string::npos) {
    const auto a = at + std::string_view("Cluster::listen_websocket([$listen_addr=").size();
    address = layout.substr(a, layout.find(',', a) - a);
    if (address.starts_with("[")) address = address.substr(1, address.size() - 2);
    const auto p = layout.find("$listen_port=", a);
    if (p != std::string::npos && port == 0) port = std::atoi(layout.c_str() + p + 13);
  }
  if (port == 0) return "";
  const bool v6 = address.find(':') != std::string::npos;
  const int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  int rc = -1;
  if (v6) {
    sockaddr_in6 sa{};
    sa.sin6_family = AF_INET6;
    sa.sin6_port = htons(static_cast<std::uint16_t>(port));
    inet_pton(AF_INET6, address.c_str(), &sa.sin6_addr);
    rc = ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
  } else {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(static_cast<std::uint16_t>(port));
    inet_pton(AF_INET, address.c_str(), &sa.sin_addr);
    rc = ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
  }
  if (rc != 0 || ::listen(fd, 16) != 0) {
    ::close(fd);
    // Zeek's own words when the WebSocket server cannot listen.
    return "fatal error: Failed to listen on WebSocket " + address + ":" + std::to_string(port);
  }
  g_endpoint = new Endpoint{node, version, layout, setting, {}, {}, 0};
  std::thread(accept_loop, fd).detach();
  return "";
}

}  // namespace fake_zeek
