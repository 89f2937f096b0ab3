#include "web/http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/os_error.h"
#include "common/strings.h"

namespace bc::web {
namespace {

using TimePoint = std::chrono::steady_clock::time_point;

// A request head longer than this is refused: we serve GETs with short URLs.
constexpr std::size_t kMaxHead = 16 * 1024;

const char* reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 503:
      return "Service Unavailable";
    default:
      return status < 400 ? "OK" : "Error";
  }
}

std::string head_of(int status, const std::string& content_type, bool stream, std::size_t length) {
  std::string h = "HTTP/1.1 " + std::to_string(status) + " " + reason_phrase(status) + "\r\n";
  h += "Content-Type: " + content_type + "\r\n";
  h += "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n";
  if (stream) {
    h += "Connection: keep-alive\r\n";
  } else {
    h += "Content-Length: " + std::to_string(length) + "\r\nConnection: close\r\n";
  }
  return h + "\r\n";
}

// Parses "GET /path?q HTTP/1.1\r\nName: value\r\n..." (without the blank line).
bool parse_head(std::string_view head, HttpRequest& req) {
  const auto eol = head.find("\r\n");
  const std::string_view line = head.substr(0, eol);
  const auto sp1 = line.find(' ');
  const auto sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 == sp1 || !line.substr(sp2 + 1).starts_with("HTTP/"))
    return false;
  req.method = std::string(line.substr(0, sp1));
  const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const auto q = target.find('?');
  req.path = url_decode(target.substr(0, q));
  if (q != std::string_view::npos) {
    for (const std::string& pair : split_trimmed(std::string(target.substr(q + 1)), "&")) {
      const auto eq = pair.find('=');
      if (pair.empty()) continue;
      req.query[url_decode(pair.substr(0, eq))] =
          eq == std::string::npos ? std::string() : url_decode(pair.substr(eq + 1));
    }
  }
  std::size_t at = eol == std::string_view::npos ? head.size() : eol + 2;
  while (at < head.size()) {
    auto end = head.find("\r\n", at);
    if (end == std::string_view::npos) end = head.size();
    const std::string_view h = head.substr(at, end - at);
    const auto colon = h.find(':');
    if (colon == std::string_view::npos) return false;
    req.headers[to_lower(h.substr(0, colon))] = std::string(trim(h.substr(colon + 1)));
    at = end + 2;
  }
  return true;
}

}  // namespace

std::string url_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() &&
               std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

struct HttpServer::Conn {
  int fd = -1;
  std::string in;
  std::string out;
  bool responded = false;  // the reply is queued: read no more
  bool stream = false;     // an event stream: stays open
  TimePoint read_deadline;
  TimePoint write_deadline;  // while `out` is not empty
  TimePoint last_sent;
};

HttpServer::HttpServer(HttpServerOptions options, Handler handler, const Clock& clock)
    : options_(std::move(options)), handler_(std::move(handler)), clock_(clock) {}

HttpServer::~HttpServer() {
  for (auto& [fd, c] : conns_)
    ::close(fd);
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

Status HttpServer::listen() {
  const std::string where = options_.address + ":" + std::to_string(options_.port);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(options_.port));
  if (inet_pton(AF_INET, options_.address.c_str(), &addr.sin_addr) != 1) {
    return Status::invalid_argument("WebAddress " + bc::quoted(options_.address) +
                                    " is not an IPv4 address");
  }
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) return Status::io_error("socket: " + std::string(std::strerror(errno)));
  const int one = 1;
  (void)setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 64) != 0) {
    return Status::io_error("cannot listen on " + where + ": " + std::strerror(errno));
  }
  socklen_t len = sizeof addr;
  (void)getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  bound_port_ = ntohs(addr.sin_port);
  return Status::ok();
}

void HttpServer::add_poll_items(std::vector<zmq::pollitem_t>& items) const {
  items.push_back({nullptr, listen_fd_, ZMQ_POLLIN, 0});
  for (const auto& [fd, c] : conns_) {
    short events = c->responded ? 0 : ZMQ_POLLIN;
    if (!c->out.empty()) events |= ZMQ_POLLOUT;
    // A stream is also watched for input: a read of 0 is the browser going away.
    if (c->stream) events |= ZMQ_POLLIN;
    items.push_back({nullptr, fd, events, 0});
  }
}

void HttpServer::on_poll(const std::vector<zmq::pollitem_t>& items, std::size_t first) {
  for (std::size_t i = first + 1; i < items.size(); ++i) {
    const zmq::pollitem_t& item = items[i];
    if (item.revents == 0) continue;
    auto it = conns_.find(item.fd);
    if (it == conns_.end()) continue;
    if (item.revents & ZMQ_POLLIN) on_readable(*it->second);
    it = conns_.find(item.fd);
    if (it != conns_.end() && (item.revents & ZMQ_POLLOUT)) on_writable(*it->second);
  }
  if (first < items.size() && (items[first].revents & ZMQ_POLLIN)) accept_all();
  expire(clock_.now());
}

void HttpServer::accept_all() {
  for (;;) {
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;  // EAGAIN, or a connection that went away meanwhile
    if (conns_.size() >= options_.max_clients) {
      // Refused outright, never queued: a full house must not delay the next scrape
      // once a slot is free.
      ++counters_.refused;
      const std::string body = "too many clients\n";
      const std::string reply =
          head_of(503, "text/plain; charset=utf-8", false, body.size()) + body;
      (void)::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      ::close(fd);
      continue;
    }
    auto c = std::make_unique<Conn>();
    c->fd = fd;
    c->read_deadline = clock_.now() + options_.request_timeout;
    conns_[fd] = std::move(c);
  }
}

void HttpServer::on_readable(Conn& c) {
  const int fd = c.fd;
  bool eof = false;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n == 0) {
      eof = true;  // gone, or only done sending (a half-close): its answer may still go
      break;
    }
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) break;
      close_conn(fd);
      return;
    }
    if (c.responded) continue;  // a stream's client has nothing more to say: ignored
    c.in.append(buf, static_cast<std::size_t>(n));
    if (c.in.size() > kMaxHead) break;
  }
  if (!c.responded && (c.in.find("\r\n\r\n") != std::string::npos || c.in.size() > kMaxHead)) {
    respond(c);  // may close the connection
  }
  auto it = conns_.find(fd);
  if (eof && it != conns_.end() && (it->second->stream || !it->second->responded)) close_conn(fd);
}

void HttpServer::respond(Conn& c) {
  HttpRequest req;
  const auto end = c.in.find("\r\n\r\n");
  HttpReply reply;
  if (end == std::string::npos || !parse_head(std::string_view(c.in).substr(0, end), req)) {
    ++counters_.bad;
    reply.status = 400;
    reply.body = "bad request\n";
  } else if (req.method != "GET" && req.method != "HEAD") {
    reply.status = 405;
    reply.body = "only GET\n";
  } else {
    ++counters_.requests;
    reply = handler_(req);
    if (req.method == "HEAD") {
      reply.body.clear();
      reply.stream = false;
    }
  }
  c.in.clear();
  c.responded = true;
  c.stream = reply.stream;
  c.out = head_of(reply.status, reply.content_type, reply.stream, reply.body.size()) + reply.body;
  const auto now = clock_.now();
  c.write_deadline = now + options_.write_timeout;
  c.last_sent = now;
  on_writable(c);
}

void HttpServer::on_writable(Conn& c) {
  while (!c.out.empty()) {
    const ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
      close_conn(c.fd);
      return;
    }
    c.out.erase(0, static_cast<std::size_t>(n));
    // Progress moves the deadline: a slow but reading client is served to the end.
    c.write_deadline = clock_.now() + options_.write_timeout;
  }
  if (!c.stream) close_conn(c.fd);
}

void HttpServer::broadcast(const std::string& text) {
  std::vector<int> slow;
  const auto now = clock_.now();
  for (auto& [fd, c] : conns_) {
    if (!c->stream) continue;
    if (c->out.size() + text.size() > options_.max_pending_bytes) {
      slow.push_back(fd);
      continue;
    }
    if (c->out.empty()) c->write_deadline = now + options_.write_timeout;
    c->out += text;
    c->last_sent = now;
  }
  for (int fd : slow) {
    spdlog::warn("closed an event stream that does not keep up ({} bytes unsent)",
                 conns_[fd]->out.size());
    close_conn(fd);
  }
}

void HttpServer::expire(TimePoint now) {
  std::vector<int> gone;
  for (auto& [fd, c] : conns_) {
    if (!c->responded && now >= c->read_deadline) {
      gone.push_back(fd);
    } else if (!c->out.empty() && now >= c->write_deadline) {
      gone.push_back(fd);
    } else if (c->stream && c->out.empty() && now - c->last_sent >= options_.keepalive) {
      c->out = ":\n\n";
      c->last_sent = now;
      c->write_deadline = now + options_.write_timeout;
    }
  }
  for (int fd : gone) {
    ++counters_.timed_out;
    close_conn(fd);
  }
}

std::chrono::milliseconds HttpServer::next_wait(std::chrono::milliseconds cap) const {
  const auto now = clock_.now();
  auto next = now + cap;
  for (const auto& [fd, c] : conns_) {
    if (!c->responded) next = std::min(next, c->read_deadline);
    if (!c->out.empty()) next = std::min(next, c->write_deadline);
    if (c->stream) next = std::min(next, c->last_sent + options_.keepalive);
  }
  const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next - now);
  return std::max(wait, std::chrono::milliseconds(0));
}

std::size_t HttpServer::streams() const {
  return static_cast<std::size_t>(std::count_if(conns_.begin(), conns_.end(),
                                                [](const auto& kv) { return kv.second->stream; }));
}

void HttpServer::close_conn(int fd) {
  ::close(fd);
  conns_.erase(fd);
}

}  // namespace bc::web
