// The one request multiplexer over real DEALER/ROUTER pairs (inproc): replies matched by id
// in the order they came, late ones dropped, deadlines on the injected clock, a peer that
// refuses our key or answers with garbage reported as such (not as unreachable), and the
// blocking mode driven by the same core.

#include "net/request_mux.h"

#include <gtest/gtest.h>

#include <zmq_addon.hpp>

#include "messages/codec.h"
#include "tests/support/bus_keys.h"
#include "tests/support/run_process.h"

namespace bc::net {
namespace {

using namespace std::chrono_literals;

// A ROUTER standing in for a supervisor: takes requests, answers what the test says.
struct FakeServer {
  FakeServer(zmq::context_t& ctx, const std::string& endpoint)
      : socket(ctx, zmq::socket_type::router) {
    socket.bind(endpoint);
  }
  // The next request (routing id, request); fails the test when none comes within 5 s.
  std::pair<std::string, msg::Request> receive() {
    zmq::pollitem_t item{socket.handle(), 0, ZMQ_POLLIN, 0};
    EXPECT_EQ(zmq::poll(&item, 1, 5000ms), 1) << "a request did not arrive";
    std::vector<zmq::message_t> frames;
    EXPECT_TRUE(zmq::recv_multipart(socket, std::back_inserter(frames)));
    EXPECT_EQ(frames.size(), 2u);
    auto request = msg::decode<msg::Request>(frames.at(1).to_string_view());
    EXPECT_TRUE(request.is_ok()) << request.status().message();
    return {frames[0].to_string(), request.is_ok() ? *request : msg::Request{}};
  }
  void answer(const std::string& routing, const std::string& body) {
    socket.send(zmq::buffer(routing), zmq::send_flags::sndmore);
    socket.send(zmq::buffer(body));
  }
  void ok(const std::string& routing, std::uint64_t id) {
    answer(routing, msg::encode(msg::make_ok(id, msg::Value::empty_map())));
  }
  zmq::socket_t socket;
};

// A mux on a fake clock with one peer, "h1" ("host h1" in errors), served at `endpoint`.
struct OnePeer {
  explicit OnePeer(const std::string& endpoint) : server(ctx, endpoint), mux(ctx, clock) {
    mux.add_peer("h1", endpoint, "", "host h1");
  }
  zmq::context_t ctx;
  FakeServer server;
  FakeClock clock;
  RequestMux mux;
};

// Drives the event-loop mode as the collector does: poll the sockets, read, expire.
void pump(RequestMux& mux, const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    auto sockets = mux.sockets();
    std::vector<zmq::pollitem_t> items;
    for (auto& [peer, socket] : sockets)
      items.push_back({socket->handle(), 0, ZMQ_POLLIN, 0});
    zmq::poll(items.data(), items.size(), 50ms);
    for (std::size_t i = 0; i < sockets.size(); ++i) {
      if (items[i].revents & ZMQ_POLLIN) mux.read(sockets[i].first);
    }
    mux.expire();
  }
}

std::string outcome(const Result<msg::Reply>& r) {
  if (r.is_ok()) return r->ok ? "ok" : "error reply";
  return std::string(error_code_name(r.status().code()));
}

TEST(RequestMux, RepliesAreHandedOverInTheOrderTheyCameAndLateOnesAreDropped) {
  OnePeer t("inproc://mux-order");
  auto& [ctx, server, clock, mux] = t;
  std::vector<std::string> done;
  auto callback = [&done](const std::string& name) {
    return [&done, name](const Result<msg::Reply>& r) { done.push_back(name + ":" + outcome(r)); };
  };
  for (const char* cmd : {"a", "b"})
    ASSERT_TRUE(mux.send("h1", cmd, msg::Value::empty_map(), 10s, callback(cmd)).is_ok());
  ASSERT_TRUE(mux.send("h1", "late", msg::Value::empty_map(), 0ms, callback("late")).is_ok());
  EXPECT_TRUE(done.empty()) << "a callback never runs inside send()";
  mux.expire();
  ASSERT_EQ(done, std::vector<std::string>{"late:unreachable"});
  EXPECT_EQ(mux.send("nowhere", "a", msg::Value::empty_map(), 1s, callback("x")).status().code(),
            ErrorCode::kNotFound);

  // The server takes all three, then answers them the other way round.
  std::vector<std::pair<std::string, msg::Request>> received;
  for (int i = 0; i < 3; ++i)
    received.push_back(server.receive());
  for (auto it = received.rbegin(); it != received.rend(); ++it)
    server.ok(it->first, it->second.id);
  pump(mux, [&] { return done.size() == 3; });
  EXPECT_EQ(done, (std::vector<std::string>{"late:unreachable", "b:ok", "a:ok"}));
  EXPECT_EQ(mux.in_flight(), 0u);
  EXPECT_EQ(mux.requests_sent(), 3u);
}

// A deadline is set and expired on the same, injected clock.
TEST(RequestMux, DeadlinesFollowTheInjectedClock) {
  OnePeer t("inproc://mux-clock");
  auto& [ctx, server, clock, mux] = t;
  std::vector<std::string> errors;
  ASSERT_TRUE(mux.send("h1", "status", msg::Value::empty_map(), 10s,
                       [&](const Result<msg::Reply>& r) { errors.push_back(r.status().message()); })
                  .is_ok());
  EXPECT_EQ(mux.next_deadline(), clock.now() + 10s);
  clock.advance(9999ms);
  mux.expire();
  EXPECT_TRUE(errors.empty());
  clock.advance(1ms);
  mux.expire();
  EXPECT_EQ(errors, std::vector<std::string>{"host h1 did not answer within 10.0 s"});
  EXPECT_EQ(mux.in_flight(), 0u);
}

// A reply that names its request but is no valid reply ends that request at once as
// malformed; garbage that names none makes the deadline say malformed, not unreachable.
TEST(RequestMux, AMalformedReplyIsReportedAsMalformedNotAsUnreachable) {
  OnePeer t("inproc://mux-malformed");
  auto& [ctx, server, clock, mux] = t;
  std::map<std::string, Status> ended;
  auto callback = [&ended](const std::string& name) {
    return [&ended, name](const Result<msg::Reply>& r) { ended[name] = r.status(); };
  };
  ASSERT_TRUE(mux.send("h1", "status", msg::Value::empty_map(), 10s, callback("named")).is_ok());
  ASSERT_TRUE(mux.send("h1", "ping", msg::Value::empty_map(), 10s, callback("garbage")).is_ok());
  const auto [routing, first] = server.receive();
  (void)server.receive();
  msg::Value wrong = msg::Value::empty_map();
  wrong.set("v", 1).set("id", first.id).set("ok", "yes");
  server.answer(routing, msg::encode_value(wrong));
  server.answer(routing, std::string("\xc1\xff garbage", 10));
  pump(mux, [&] { return ended.count("named") == 1 && mux.malformed_replies() == 2; });
  ASSERT_EQ(ended.count("named"), 1u);
  EXPECT_EQ(ended["named"].code(), ErrorCode::kBadMessage) << ended["named"].message();
  EXPECT_NE(ended["named"].message().find("host h1 sent a malformed reply to 'status'"),
            std::string::npos)
      << ended["named"].message();
  EXPECT_EQ(ended.count("garbage"), 0u) << "garbage names no request: the deadline decides";
  clock.advance(10s);
  mux.expire();
  ASSERT_EQ(ended.count("garbage"), 1u);
  EXPECT_EQ(ended["garbage"].code(), ErrorCode::kBadMessage) << ended["garbage"].message();
  EXPECT_NE(ended["garbage"].message().find("it sent a malformed one"), std::string::npos);
}

// A server that refuses our key (its ZAP handler says 400): every request to it ends with
// kPermissionDenied at once, not at its deadline, and so does a request sent afterwards.
TEST(RequestMux, ARefusedKeyIsReportedOnceAndAtOnceForEveryRequestToThatPeer) {
  test::TempDir dir;
  test::make_bus_keys({dir.path()}, {"h1"});
  const auto admin = test::admin_security(dir.path());
  const auto h1 = test::admin_security(dir.path(), "h1");
  ASSERT_TRUE(admin->enabled() && h1->enabled());
  zmq::context_t ctx;
  zmq::socket_t zap(ctx, zmq::socket_type::rep);
  zap.bind("inproc://zeromq.zap.01");
  zmq::socket_t server(ctx, zmq::socket_type::router);
  h1->secure_server(server, "supervisor");
  server.bind("tcp://127.0.0.1:*");  // inproc has no handshake
  const std::string endpoint = server.get(zmq::sockopt::last_endpoint);

  SystemClock clock;
  RequestMux mux(ctx, clock, admin.get());
  mux.add_peer("h1", endpoint, "h1", "host h1");
  std::vector<Status> ended;
  auto record = [&ended](const Result<msg::Reply>& r) { ended.push_back(r.status()); };
  for (const char* cmd : {"status", "ping"})
    ASSERT_TRUE(mux.send("h1", cmd, msg::Value::empty_map(), 60s, record).is_ok());
  const auto until = std::chrono::steady_clock::now() + 5s;
  while (ended.size() < 2 && std::chrono::steady_clock::now() < until) {
    zmq::pollitem_t item{zap.handle(), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, 20ms) > 0) {
      std::vector<zmq::message_t> request;
      ASSERT_TRUE(zmq::recv_multipart(zap, std::back_inserter(request)));
      ASSERT_GE(request.size(), 2u);
      const std::string id = request[1].to_string();
      const std::vector<zmq::const_buffer> reply = {
          zmq::str_buffer("1.0"),    zmq::buffer(id),     zmq::str_buffer("400"),
          zmq::str_buffer("denied"), zmq::str_buffer(""), zmq::str_buffer("")};
      zmq::send_multipart(zap, reply);
    }
    mux.expire();
  }
  ASSERT_EQ(ended.size(), 2u) << "a refused key was waited for like a silent host";
  for (const Status& s : ended) {
    EXPECT_EQ(s.code(), ErrorCode::kPermissionDenied) << s.message();
    EXPECT_NE(s.message().find("host h1: " + endpoint + " refused our key"), std::string::npos)
        << s.message();
  }
  const auto later = mux.call("h1", "ping", msg::Value::empty_map(), 60s);
  EXPECT_EQ(later.status().code(), ErrorCode::kPermissionDenied) << later.status().message();
}

// The blocking mode: one wait for requests to several peers, each ended by its reply or
// its deadline; the interrupt check ends a wait at once, leaving the requests pending.
TEST(RequestMux, TheBlockingModeWaitsForEveryPeerUntilItsDeadline) {
  zmq::context_t ctx;
  FakeServer a(ctx, "inproc://mux-block-a");
  FakeServer b(ctx, "inproc://mux-block-b");
  SystemClock clock;
  RequestMux mux(ctx, clock);
  mux.add_peer("a", "inproc://mux-block-a", "", "host a");
  mux.add_peer("b", "inproc://mux-block-b", "", "host b");
  std::map<std::string, std::string> ended;
  for (const char* peer : {"a", "b"}) {
    ASSERT_TRUE(mux.send(peer, "status", msg::Value::empty_map(), 300ms,
                         [&ended, peer](const Result<msg::Reply>& r) { ended[peer] = outcome(r); })
                    .is_ok());
  }
  const auto [routing, request] = a.receive();
  a.ok(routing, request.id);  // b stays silent
  const auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(mux.wait_all().is_ok());
  EXPECT_GE(std::chrono::steady_clock::now() - started, 200ms) << "b's deadline was not kept";
  EXPECT_EQ(ended, (std::map<std::string, std::string>{{"a", "ok"}, {"b", "unreachable"}}));

  // Results without a callback: wait() for one, take() for none yet.
  const auto id = *mux.send("a", "ping", msg::Value::empty_map(), 5s);
  EXPECT_FALSE(mux.take(id));
  const auto [routing2, ping] = a.receive();
  a.ok(routing2, ping.id);
  const auto reply = mux.wait(id);
  ASSERT_TRUE(reply.is_ok()) << reply.status().message();
  EXPECT_EQ(reply->id, id);

  bool stop = true;
  mux.set_interrupt_check([&stop] { return stop; });
  const auto pending = *mux.send("b", "status", msg::Value::empty_map(), 5s);
  EXPECT_EQ(mux.wait_all().code(), ErrorCode::kCancelled);
  EXPECT_EQ(mux.in_flight(), 1u);
  mux.abandon(pending, Status(ErrorCode::kCancelled, "Ctrl-C"));
  EXPECT_EQ(mux.take(pending)->status().code(), ErrorCode::kCancelled);
  EXPECT_EQ(mux.requests_sent(), 4u);
}

}  // namespace
}  // namespace bc::net
