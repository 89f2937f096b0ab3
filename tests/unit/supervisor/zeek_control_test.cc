// The Zeek control channel's messages (supervisor/zeek_control.h), without a Zeek: the
// request as the WebSocket API's JSON v1 wants it, Zeek's answers turned into our node's
// result shape, and malformed answers turned into errors.

#include "supervisor/zeek_control.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <optional>
#include <vector>

namespace bc::sup {
namespace {

ZeekControlTarget control_target() {
  return {"127.0.0.1", 27759, "worker-1", "worker-1"};
}

msg::Value print_request(const std::string& id) {
  msg::Value v = msg::Value::empty_map();
  v.set("id", id);
  return v;
}

// A data-message as Zeek sends it: the event with its string arguments and metadata.
msg::Json zeek_answer(const std::string& event, const std::vector<std::string>& args) {
  std::string text =
      R"({"type":"data-message","topic":"t","@data-type":"vector","data":[{"@data-type":"count","data":1},{"@data-type":"count","data":1},{"@data-type":"vector","data":[{"@data-type":"string","data":")" +
      event + R"("},{"@data-type":"vector","data":[)";
  for (std::size_t i = 0; i < args.size(); ++i)
    text += std::string(i > 0 ? "," : "") + R"({"@data-type":"string","data":")" + args[i] + "\"}";
  text += R"(]},{"@data-type":"vector","data":[]}]}]})";
  auto j = msg::Json::parse(text);
  EXPECT_TRUE(j.has_value()) << text;
  return j.value_or(msg::Json());
}

TEST(ZeekControl, PrintRequestIsTheWebSocketApisDataMessage) {
  auto m = zeek_request_message("print", print_request("Cluster::node"), control_target(),
                                "zeek/brocluster/control/reply/h/1/1-ab/");
  ASSERT_TRUE(m.is_ok()) << m.status().message();
  EXPECT_EQ(*m, R"({"type":"data-message","topic":"zeek/brocluster/control/request/worker-1/",)"
                R"("@data-type":"vector","data":[{"@data-type":"count","data":1},)"
                R"({"@data-type":"count","data":1},{"@data-type":"vector","data":[)"
                R"({"@data-type":"string","data":"BroCluster::id_value_request"},)"
                R"({"@data-type":"vector","data":[)"
                R"({"@data-type":"string","data":"zeek/brocluster/control/reply/h/1/1-ab/"},)"
                R"({"@data-type":"string","data":"Cluster::node"}]}]}]})");
}

TEST(ZeekControl, StandaloneNodeTopicHasAnEmptyName) {
  ZeekControlTarget t = control_target();
  t.node_topic = "";
  auto m = zeek_request_message("netstats", msg::Value::empty_map(), t, "r/");
  ASSERT_TRUE(m.is_ok());
  EXPECT_NE(m->find(R"("topic":"zeek/brocluster/control/request//")"), std::string::npos) << *m;
  EXPECT_NE(m->find("BroCluster::net_stats_request"), std::string::npos);
}

TEST(ZeekControl, OnlyTheThreeCommandsAndPrintNeedsAnId) {
  EXPECT_EQ(zeek_request_message("update", msg::Value::empty_map(), control_target(), "r/")
                .status()
                .code(),
            ErrorCode::kUnsupported);
  EXPECT_EQ(zeek_request_message("print", msg::Value::empty_map(), control_target(), "r/")
                .status()
                .code(),
            ErrorCode::kInvalidArgument);
}

TEST(ZeekControl, AckOrTheServersError) {
  EXPECT_TRUE(
      zeek_check_ack(*msg::Json::parse(R"({"type":"ack","endpoint":"e","version":"8.2.0"})"))
          .is_ok());
  const Status refused = zeek_check_ack(
      *msg::Json::parse(R"({"type":"error","code":"invalid_json","context":"not an array"})"));
  EXPECT_EQ(refused.message(), "Zeek refused the subscription: invalid_json: not an array");
  EXPECT_FALSE(zeek_check_ack(*msg::Json::parse("[]")).is_ok());
}

TEST(ZeekControl, AnswersTakeOurNodesResultShape) {
  auto printed =
      zeek_result("print", print_request("Site::local_nets"), control_target(),
                  zeek_answer("Control::id_value_response", {"Site::local_nets", "{10.0.0.0/8}"}));
  ASSERT_TRUE(printed.is_ok()) << printed.status().message();
  EXPECT_EQ(printed->get_string("id").value_or(""), "Site::local_nets");
  EXPECT_EQ(printed->get_string("value").value_or(""), "{10.0.0.0/8}");

  auto stats = zeek_result("netstats", msg::Value::empty_map(), control_target(),
                           zeek_answer("Control::net_stats_response",
                                       {"1700000000.123456 recvd=10 dropped=2 link=12\\n"}));
  ASSERT_TRUE(stats.is_ok()) << stats.status().message();
  EXPECT_EQ(stats->get_uint("received").value_or(0), 10u);
  EXPECT_EQ(stats->get_uint("dropped").value_or(0), 2u);
  EXPECT_EQ(stats->get_uint("link").value_or(0), 12u);
  EXPECT_TRUE(stats->get_bool("capturing").value_or(false));

  auto peers = zeek_result(
      "peerstatus", msg::Value::empty_map(), control_target(),
      zeek_answer(
          "Control::peer_status_response",
          {"1.0 peer=manager host=127.0.0.1 status=peered\\n2.0 peer=proxy-1 host=127.0.0.2 "
           "status=connecting\\n"}));
  ASSERT_TRUE(peers.is_ok()) << peers.status().message();
  const msg::Value* list = peers->find("peers");
  ASSERT_TRUE(list != nullptr && list->as_array() != nullptr);
  ASSERT_EQ(list->as_array()->size(), 2u);
  EXPECT_EQ((*list->as_array())[1].get_string("node").value_or(""), "proxy-1");
  EXPECT_EQ((*list->as_array())[1].get_string("state").value_or(""), "connecting");
  EXPECT_EQ((*list->as_array())[0].get_string("endpoint").value_or(""), "127.0.0.1");

  // Under ZeroMQ Zeek knows no peers: an empty answer is no peers, not an error.
  auto none = zeek_result("peerstatus", msg::Value::empty_map(), control_target(),
                          zeek_answer("Control::peer_status_response", {""}));
  ASSERT_TRUE(none.is_ok());
  EXPECT_TRUE(none->find("peers")->as_array()->empty());
}

TEST(ZeekControl, UnknownIdIsNotFound) {
  auto r = zeek_result("print", print_request("No::such"), control_target(),
                       zeek_answer("Control::id_value_response", {"No::such", "<unknown id>"}));
  EXPECT_EQ(r.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(r.status().message(), "unknown identifier 'No::such'");
}

TEST(ZeekControl, MalformedAnswersAreErrorsSayingWhat) {
  auto code_of = [](const std::string& cmd, const msg::Value& args, const msg::Json& m) {
    return zeek_result(cmd, args, control_target(), m).status();
  };
  // Another id's answer (a client that took someone else's reply).
  EXPECT_EQ(code_of("print", print_request("A::x"),
                    zeek_answer("Control::id_value_response", {"A::y", "1"}))
                .message(),
            "answer for id 'A::y', asked for 'A::x'");
  EXPECT_EQ(code_of("netstats", msg::Value::empty_map(),
                    zeek_answer("Control::id_value_response", {"a", "b"}))
                .message(),
            "answer is event 'Control::id_value_response', expected Control::net_stats_response");
  EXPECT_EQ(code_of("netstats", msg::Value::empty_map(),
                    zeek_answer("Control::net_stats_response", {"1.0 recvd=x dropped=1 link=1"}))
                .message(),
            "net stats answer without a number for 'recvd'");
  EXPECT_EQ(code_of("netstats", msg::Value::empty_map(),
                    zeek_answer("Control::net_stats_response", {"a", "b"}))
                .code(),
            ErrorCode::kBadMessage);
  EXPECT_EQ(code_of("netstats", msg::Value::empty_map(), *msg::Json::parse(R"({"data":5})")).code(),
            ErrorCode::kBadMessage);
  EXPECT_EQ(code_of("netstats", msg::Value::empty_map(), *msg::Json::parse("null")).code(),
            ErrorCode::kBadMessage);
}

TEST(ZeekControl, JsonReaderRefusesGarbageWithoutThrowing) {
  for (const char* text : {"", "{", "[1,", "\"\\uzzzz\"", "{\"a\" 1}",
                           "[[[[[[[[[[[[[[[[[[[[[[[[[[[["
                           "[[[[[[[[[[[[[[[[[[[[[[[[[[[["
                           "[[[[[[[[[[[[[[[["}) {
    EXPECT_FALSE(msg::Json::parse(text).has_value()) << text;
  }
}

// A loopback TCP socket bound to a free port; listening (connections complete in the
// kernel and then hear nothing) or not (connections are refused).
struct LoopbackPort {
  explicit LoopbackPort(bool listening) {
    fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sa;
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&sa), len), 0);
    if (listening) {
      EXPECT_EQ(::listen(fd, 64), 0);
    }
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
    port = ntohs(sa.sin_port);
  }
  ~LoopbackPort() { ::close(fd); }
  int fd = -1;
  int port = 0;
};

// Waits (up to `timeout`) for the proxy's eventfd and hands out what finished.
void pump(ZeekControlProxy& proxy, std::chrono::milliseconds timeout) {
  pollfd p{proxy.fd(), POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) > 0) proxy.on_readable();
}

TEST(ZeekControlProxy, AFailedConversationIsAnsweredOnceThroughTheLoop) {
  const LoopbackPort closed(false);
  ZeekControlProxy proxy("host-a");
  ZeekControlTarget t = control_target();
  t.port = closed.port;
  std::vector<msg::Reply> replies;
  ASSERT_TRUE(proxy
                  .start(t, 42, "netstats", msg::Value::empty_map(),
                         std::chrono::steady_clock::now() + std::chrono::seconds(2), 2000,
                         [&replies](const msg::Reply& r) { replies.push_back(r); })
                  .is_ok());
  EXPECT_EQ(proxy.in_flight(), 1u);
  for (int i = 0; i < 50 && replies.empty(); ++i)
    pump(proxy, std::chrono::milliseconds(100));
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].id, 42u);
  EXPECT_FALSE(replies[0].ok);
  ASSERT_TRUE(replies[0].error.has_value());
  EXPECT_NE(
      replies[0].error->message.find("worker-1: ws://127.0.0.1:" + std::to_string(closed.port) +
                                     "/v1/messages/json: connect"),
      std::string::npos)
      << replies[0].error->message;
  EXPECT_EQ(proxy.in_flight(), 0u);
}

TEST(ZeekControlProxy, ASilentListenerRunsIntoTheDeadlineAndTheInFlightCapHolds) {
  const LoopbackPort silent(true);
  ZeekControlProxy proxy("host-a");
  ZeekControlTarget t = control_target();
  t.port = silent.port;
  std::vector<msg::Reply> replies;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(400);
  for (std::size_t i = 0; i < ZeekControlProxy::kMaxInFlight; ++i) {
    ASSERT_TRUE(proxy
                    .start(t, i, "print", print_request("Cluster::node"), deadline, 400,
                           [&replies](const msg::Reply& r) { replies.push_back(r); })
                    .is_ok());
  }
  const Status busy = proxy.start(t, 99, "print", print_request("Cluster::node"), deadline, 400,
                                  [&replies](const msg::Reply& r) { replies.push_back(r); });
  EXPECT_EQ(busy.code(), ErrorCode::kBusy);
  for (int i = 0; i < 50 && replies.size() < ZeekControlProxy::kMaxInFlight; ++i)
    pump(proxy, std::chrono::milliseconds(100));
  ASSERT_EQ(replies.size(), ZeekControlProxy::kMaxInFlight);
  for (const msg::Reply& r : replies) {
    ASSERT_TRUE(r.error.has_value());
    EXPECT_EQ(r.error->code, ErrorCode::kTimeout);
    EXPECT_NE(r.error->message.find("worker-1 did not answer within 400 ms"), std::string::npos)
        << r.error->message;
  }
}

}  // namespace
}  // namespace bc::sup
