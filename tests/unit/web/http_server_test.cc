// web/http_server.h in-process, on a loopback port, driven by hand: the loop turns when
// the test says, and time is a FakeClock.

#include "web/http_server.h"

#include <gtest/gtest.h>

#include <sys/socket.h>

#include "tests/support/http_client.h"

namespace bc::web {
namespace {

class ServerLoop {
 public:
  explicit ServerLoop(HttpServerOptions o = {})
      : server_(
            with_port_0(std::move(o)),
            [](const HttpRequest& r) {
              return HttpReply{200, "text/plain", "path=" + r.path + "\n", false};
            },
            clock_) {
    EXPECT_TRUE(server_.listen().is_ok());
  }
  // One turn of the daemon's loop (polls up to `wait`).
  void turn(int wait_ms = 50) {
    std::vector<zmq::pollitem_t> items;
    server_.add_poll_items(items);
    zmq::poll(items.data(), items.size(), std::chrono::milliseconds(wait_ms));
    server_.on_poll(items, 0);
  }
  HttpServer& server() { return server_; }
  FakeClock& clock() { return clock_; }

 private:
  static HttpServerOptions with_port_0(HttpServerOptions o) {
    o.port = 0;
    return o;
  }
  FakeClock clock_;
  HttpServer server_;
};

std::string exchange(ServerLoop& loop, int fd, const std::string& request, bool half_close) {
  (void)::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  if (half_close) ::shutdown(fd, SHUT_WR);
  std::string got;
  for (int i = 0; i < 40 && !test::wait_closed(fd, Millis(0), &got); ++i)
    loop.turn();
  return got;
}

TEST(HttpServer, AnswersAClientThatHalfClosedAfterItsRequest) {
  ServerLoop loop;
  UniqueFd fd = test::open_idle_connection(loop.server().port());
  loop.turn();
  const std::string got = exchange(loop, fd.get(), "GET /x?a=b HTTP/1.0\r\n\r\n", true);
  EXPECT_EQ(got.substr(0, 15), "HTTP/1.1 200 OK") << got;
  EXPECT_NE(got.find("\r\n\r\npath=/x\n"), std::string::npos) << got;
}

TEST(HttpServer, ASilentClientIsClosedAtTheRequestDeadlineNotBefore) {
  HttpServerOptions o;
  o.request_timeout = std::chrono::milliseconds(5000);
  ServerLoop loop(o);
  UniqueFd fd = test::open_idle_connection(loop.server().port());
  loop.turn();
  EXPECT_EQ(loop.server().clients(), 1u);
  loop.clock().advance(std::chrono::milliseconds(4999));
  loop.turn(0);
  EXPECT_EQ(loop.server().clients(), 1u);
  loop.clock().advance(std::chrono::milliseconds(1));
  loop.turn(0);
  EXPECT_EQ(loop.server().clients(), 0u);
  EXPECT_EQ(loop.server().counters().timed_out, 1u);
  EXPECT_TRUE(test::wait_closed(fd.get(), Millis(1000)));
}

TEST(HttpServer, OneConnectionOverTheCapIsRefusedAtOnce) {
  HttpServerOptions o;
  o.max_clients = 2;
  ServerLoop loop(o);
  UniqueFd a = test::open_idle_connection(loop.server().port());
  UniqueFd b = test::open_idle_connection(loop.server().port());
  loop.turn();
  loop.turn();
  UniqueFd c = test::open_idle_connection(loop.server().port());
  loop.turn();
  std::string got;
  EXPECT_TRUE(test::wait_closed(c.get(), Millis(1000), &got));
  EXPECT_EQ(got.substr(0, 32), "HTTP/1.1 503 Service Unavailable") << got;
  EXPECT_EQ(loop.server().clients(), 2u);
  EXPECT_EQ(loop.server().counters().refused, 1u);
}

TEST(HttpServer, AGarbledRequestIsABadRequest) {
  ServerLoop loop;
  UniqueFd fd = test::open_idle_connection(loop.server().port());
  loop.turn();
  const std::string got = exchange(loop, fd.get(), "HELLO\r\n\r\n", false);
  EXPECT_EQ(got.substr(0, 24), "HTTP/1.1 400 Bad Request") << got;
  EXPECT_EQ(url_decode("a%20b+c%2"), "a b c%2");
}

}  // namespace
}  // namespace bc::web
