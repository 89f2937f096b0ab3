// The collector's requests to supervisors over a real DEALER/ROUTER pair (inproc): replies
// are handed over in the order they came, and one that comes after its request's deadline
// is dropped, its callback having run once already.

#include "collector/async_requests.h"

#include <gtest/gtest.h>

#include <zmq_addon.hpp>

#include "messages/codec.h"

namespace bc::collector {
namespace {

using namespace std::chrono_literals;

TEST(AsyncRequests, RepliesAreHandedOverInTheOrderTheyCameAndLateOnesAreDropped) {
  zmq::context_t ctx;
  zmq::socket_t server(ctx, zmq::socket_type::router);
  server.bind("inproc://async-requests-test");
  FakeClock clock;
  AsyncRequests requests(ctx, {{"h1", "inproc://async-requests-test"}}, clock);
  std::vector<std::string> done;
  auto callback = [&done](const std::string& name) {
    return [&done, name](const Result<msg::Reply>& r) {
      done.push_back(name + (r.is_ok() ? ":ok" : ":unreachable"));
    };
  };
  for (const char* cmd : {"a", "b"})
    ASSERT_TRUE(requests.send("h1", cmd, msg::Value::empty_map(), 10s, callback(cmd)).is_ok());
  ASSERT_TRUE(requests.send("h1", "late", msg::Value::empty_map(), 0ms, callback("late")).is_ok());
  requests.expire(clock.now() + 1ms);
  ASSERT_EQ(done, std::vector<std::string>{"late:unreachable"});

  // The server takes all three, then answers them the other way round.
  std::vector<std::pair<std::string, msg::Request>> received;  // (routing id, request)
  while (received.size() < 3) {
    zmq::pollitem_t item{server.handle(), 0, ZMQ_POLLIN, 0};
    ASSERT_EQ(zmq::poll(&item, 1, 5000ms), 1) << "a request did not arrive";
    std::vector<zmq::message_t> frames;
    ASSERT_TRUE(zmq::recv_multipart(server, std::back_inserter(frames)));
    ASSERT_EQ(frames.size(), 2u);
    auto request = msg::decode<msg::Request>(frames[1].to_string_view());
    ASSERT_TRUE(request.is_ok()) << request.status().message();
    received.emplace_back(frames[0].to_string(), *request);
  }
  for (auto it = received.rbegin(); it != received.rend(); ++it) {
    const std::string body = msg::encode(msg::make_ok(it->second.id, msg::Value::empty_map()));
    server.send(zmq::buffer(it->first), zmq::send_flags::sndmore);
    server.send(zmq::buffer(body));
  }
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (done.size() < 3 && std::chrono::steady_clock::now() < deadline) {
    auto sockets = requests.sockets();
    zmq::pollitem_t item{sockets.front().second->handle(), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, 100ms) > 0) requests.on_readable("h1");
  }
  EXPECT_EQ(done, (std::vector<std::string>{"late:unreachable", "b:ok", "a:ok"}));
  EXPECT_EQ(requests.in_flight(), 0u);
}

// A deadline is set and expired on the same, injected clock (it was set with the real one
// and expired against the loop's, so with a fake clock nothing ever expired, or at once).
TEST(AsyncRequests, DeadlinesFollowTheInjectedClock) {
  zmq::context_t ctx;
  zmq::socket_t server(ctx, zmq::socket_type::router);
  server.bind("inproc://async-requests-clock");
  FakeClock clock;
  AsyncRequests requests(ctx, {{"h1", "inproc://async-requests-clock"}}, clock);
  int unreachable = 0;
  ASSERT_TRUE(requests
                  .send("h1", "status", msg::Value::empty_map(), 10s,
                        [&](const Result<msg::Reply>& r) { unreachable += r.is_ok() ? 0 : 1; })
                  .is_ok());
  clock.advance(9999ms);
  requests.expire(clock.now());
  EXPECT_EQ(unreachable, 0);
  clock.advance(1ms);
  requests.expire(clock.now());
  EXPECT_EQ(unreachable, 1);
  EXPECT_EQ(requests.in_flight(), 0u);
}

}  // namespace
}  // namespace bc::collector
