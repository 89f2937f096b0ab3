// The WebSocket client (net/websocket_client.h) and its codec against RFC 6455: the
// handshake's accept key (the RFC's own example), framing both ways, and a client talking
// to a server socket run by the test, which plays a well-behaved or a hostile server.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "net/websocket_accept.h"
#include "net/websocket_client.h"
#include "net/websocket_frame.h"

namespace bc::net {
namespace {

using namespace std::chrono_literals;
using ws::Decoded;
using ws::Opcode;

auto in(std::chrono::milliseconds ms) {
  return std::chrono::steady_clock::now() + ms;
}

TEST(WebSocketAccept, Rfc6455ExampleKey) {
  // RFC 6455 §1.3: the sample nonce and the accept value the server returns for it.
  EXPECT_EQ(ws::accept_key("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(WebSocketAccept, Sha1AndBase64KnownAnswers) {
  // RFC 3174 §7.3 test 1, and a two-block message.
  const auto abc = ws::sha1("abc");
  EXPECT_EQ(ws::base64(std::string(abc.begin(), abc.end())), "qZk+NkcGgWq6PiVxeFDCbJzQ2J0=");
  const auto two = ws::sha1("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq");
  EXPECT_EQ(ws::base64(std::string(two.begin(), two.end())), "hJg+RBw70m66rkqh+VEp5eVGcPE=");
  EXPECT_EQ(ws::base64(""), "");
  EXPECT_EQ(ws::base64("f"), "Zg==");
  EXPECT_EQ(ws::base64("fo"), "Zm8=");
  EXPECT_EQ(ws::base64("foo"), "Zm9v");
}

TEST(WebSocketFrame, RoundTripsMaskedAndUnmaskedAtEachLengthForm) {
  for (std::size_t n : {0UL, 5UL, 125UL, 126UL, 65535UL, 65536UL}) {
    const std::string payload(n, 'x');
    const std::string bytes =
        ws::encode_frame(Opcode::kText, payload, true, std::array<std::uint8_t, 4>{1, 2, 3, 4});
    // Cut short, it is not a frame yet.
    EXPECT_EQ(
        ws::decode_frame(bytes.substr(0, bytes.size() - 1), 1 << 20, ws::Side::kFromClient).kind,
        Decoded::Kind::kNeedMore);
    Decoded d = ws::decode_frame(bytes, 1 << 20, ws::Side::kFromClient);
    ASSERT_EQ(d.kind, Decoded::Kind::kFrame) << n;
    EXPECT_EQ(d.frame.payload, payload);
    EXPECT_EQ(d.consumed, bytes.size());
    const std::string plain = ws::encode_frame(Opcode::kBinary, payload, false, std::nullopt);
    d = ws::decode_frame(plain, 1 << 20, ws::Side::kFromServer);
    ASSERT_EQ(d.kind, Decoded::Kind::kFrame);
    EXPECT_FALSE(d.frame.fin);
    EXPECT_EQ(d.frame.opcode, Opcode::kBinary);
  }
}

TEST(WebSocketFrame, RefusesWhatAPeerMustNotSend) {
  auto error_of = [](const std::string& bytes, ws::Side side, std::size_t cap = 1024) {
    Decoded d = ws::decode_frame(bytes, cap, side);
    return d.kind == Decoded::Kind::kError ? d.error : std::string("no error");
  };
  const auto mask = std::array<std::uint8_t, 4>{9, 9, 9, 9};
  EXPECT_EQ(error_of(ws::encode_frame(Opcode::kText, "a", true, mask), ws::Side::kFromServer),
            "masked frame from the server");
  EXPECT_EQ(
      error_of(ws::encode_frame(Opcode::kText, "a", true, std::nullopt), ws::Side::kFromClient),
      "unmasked frame from the client");
  EXPECT_EQ(error_of(std::string("\xC1\x00", 2), ws::Side::kFromServer),
            "frame with reserved bits set");
  EXPECT_EQ(error_of(std::string("\x83\x00", 2), ws::Side::kFromServer),
            "frame with unknown opcode 3");
  EXPECT_EQ(
      error_of(ws::encode_frame(Opcode::kPing, "p", false, std::nullopt), ws::Side::kFromServer),
      "fragmented or oversized control frame");
  EXPECT_EQ(error_of(ws::encode_frame(Opcode::kPing, std::string(126, 'p'), true, std::nullopt),
                     ws::Side::kFromServer),
            "fragmented or oversized control frame");
  // Only the header of a 10 MB frame: refused before any payload arrives.
  const std::string big =
      ws::encode_frame(Opcode::kText, std::string(10 << 20, 'b'), true, std::nullopt);
  EXPECT_EQ(error_of(big.substr(0, 10), ws::Side::kFromServer),
            "frame of 10485760 bytes is over the limit of 1024");
}

// A one-connection server on 127.0.0.1: accepts, then runs `script` on the connection in
// its own thread. Helpers read the client's request head and frames.
class TestServer {
 public:
  explicit TestServer(std::function<void(TestServer&)> script) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sa;
    EXPECT_EQ(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&sa), len), 0);
    EXPECT_EQ(::listen(listen_fd_, 1), 0);
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&sa), &len);
    port_ = ntohs(sa.sin_port);
    thread_ = std::thread([this, script = std::move(script)] {
      fd_ = ::accept(listen_fd_, nullptr, nullptr);
      if (fd_ >= 0) script(*this);
    });
  }
  ~TestServer() {
    ::shutdown(listen_fd_, SHUT_RDWR);
    join();
    if (fd_ >= 0) ::close(fd_);
    ::close(listen_fd_);
  }
  int port() const { return port_; }
  // Waits for the script to end (the client hung up or it was done).
  void join() {
    if (thread_.joinable()) thread_.join();
  }

  // The client's request head; empty if the connection ended first.
  std::string read_head() {
    while (buffer_.find("\r\n\r\n") == std::string::npos) {
      if (!fill()) return {};
    }
    const auto end = buffer_.find("\r\n\r\n");
    std::string head = buffer_.substr(0, end);
    buffer_.erase(0, end + 4);
    return head;
  }
  // Answers the head's key; `accept` replaces the right value when set.
  void answer_upgrade(const std::string& head, const std::string& accept = "") {
    const auto at = head.find("Sec-WebSocket-Key: ") + 19;
    const std::string key = head.substr(at, head.find("\r\n", at) - at);
    send(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Accept: " +
        (accept.empty() ? ws::accept_key(key) : accept) + "\r\n\r\n");
  }
  void handshake() { answer_upgrade(read_head()); }
  // The client's next frame (which must be masked).
  ws::Frame read_frame() {
    for (;;) {
      Decoded d = ws::decode_frame(buffer_, 1 << 20, ws::Side::kFromClient);
      if (d.kind == Decoded::Kind::kFrame) {
        buffer_.erase(0, d.consumed);
        return d.frame;
      }
      if (d.kind == Decoded::Kind::kError || !fill()) return {true, Opcode::kClose, "<none>"};
    }
  }
  void send(const std::string& bytes) {
    (void)::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  }
  void send_frame(Opcode op, const std::string& payload, bool fin = true) {
    send(ws::encode_frame(op, payload, fin, std::nullopt));
  }

 private:
  bool fill() {
    char chunk[4096];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  int listen_fd_ = -1;
  int fd_ = -1;
  int port_ = 0;
  std::string buffer_;
  std::thread thread_;
};

WebSocketClient::Options options_for(const TestServer& server) {
  WebSocketClient::Options o;
  o.address = "127.0.0.1";
  o.port = server.port();
  o.path = "/v1/messages/json";
  o.headers = {{"X-Application-Name", "brocluster-test"}};
  o.max_message = 4096;
  return o;
}

TEST(WebSocketClient, HandshakesSendsMaskedAndJoinsFragmentsAnsweringPings) {
  std::string head;
  ws::Frame got;
  ws::Frame pong;
  TestServer server([&](TestServer& s) {
    head = s.read_head();
    s.answer_upgrade(head);
    got = s.read_frame();
    // A fragmented message with a ping between its fragments (§5.4 allows it).
    s.send_frame(Opcode::kText, "hel", false);
    s.send_frame(Opcode::kPing, "are you there");
    s.send_frame(Opcode::kContinuation, "lo", true);
    pong = s.read_frame();
  });
  auto client = WebSocketClient::connect(options_for(server), in(2s));
  ASSERT_TRUE(client.is_ok()) << client.status().message();
  ASSERT_TRUE(client->send_text("[\"a/topic\"]", in(2s)).is_ok());
  auto message = client->receive_text(in(2s));
  ASSERT_TRUE(message.is_ok()) << message.status().message();
  EXPECT_EQ(*message, "hello");
  client->close(in(1s));
  server.join();
  EXPECT_NE(head.find("GET /v1/messages/json HTTP/1.1\r\n"), std::string::npos);
  EXPECT_NE(head.find("Upgrade: websocket"), std::string::npos);
  EXPECT_NE(head.find("Sec-WebSocket-Version: 13"), std::string::npos);
  EXPECT_NE(head.find("X-Application-Name: brocluster-test"), std::string::npos);
  // The server decoded it as a masked client frame (read_frame refuses unmasked ones).
  EXPECT_EQ(got.opcode, Opcode::kText);
  EXPECT_EQ(got.payload, "[\"a/topic\"]");
  EXPECT_EQ(pong.opcode, Opcode::kPong);
  EXPECT_EQ(pong.payload, "are you there");
}

TEST(WebSocketClient, FramesInTheSamePacketAsTheUpgradeAreKept) {
  TestServer server([](TestServer& s) {
    const std::string head = s.read_head();
    const auto at = head.find("Sec-WebSocket-Key: ") + 19;
    const std::string key = head.substr(at, head.find("\r\n", at) - at);
    s.send(
        "HTTP/1.1 101 Switching Protocols\r\nupgrade: WebSocket\r\nConnection: Upgrade\r\n"
        "sec-websocket-accept: " +
        ws::accept_key(key) + "\r\n\r\n" +
        ws::encode_frame(Opcode::kText, "{\"type\":\"ack\"}", true, std::nullopt));
    s.read_frame();
  });
  auto client = WebSocketClient::connect(options_for(server), in(2s));
  ASSERT_TRUE(client.is_ok()) << client.status().message();
  auto message = client->receive_text(in(2s));
  ASSERT_TRUE(message.is_ok()) << message.status().message();
  EXPECT_EQ(*message, "{\"type\":\"ack\"}");
}

TEST(WebSocketClient, WrongAcceptKeyIsRefused) {
  TestServer server(
      [](TestServer& s) { s.answer_upgrade(s.read_head(), "bm90IHRoZSByaWdodCBrZXk="); });
  auto client = WebSocketClient::connect(options_for(server), in(2s));
  ASSERT_FALSE(client.is_ok());
  EXPECT_NE(client.status().message().find("wrong Sec-WebSocket-Accept"), std::string::npos)
      << client.status().message();
}

TEST(WebSocketClient, RefusedUpgradeNamesTheStatusLine) {
  TestServer server([](TestServer& s) {
    s.read_head();
    s.send("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
  });
  auto client = WebSocketClient::connect(options_for(server), in(2s));
  ASSERT_FALSE(client.is_ok());
  EXPECT_NE(client.status().message().find("refused the upgrade: 'HTTP/1.1 404 Not Found'"),
            std::string::npos)
      << client.status().message();
}

TEST(WebSocketClient, OversizedFrameIsRefusedBeforeItsPayload) {
  TestServer server([](TestServer& s) {
    s.handshake();
    // Announces 1 MiB (over the client's 4096) and sends none of it.
    s.send(ws::encode_frame(Opcode::kText, std::string(1 << 20, 'z'), true, std::nullopt)
               .substr(0, 10));
    s.read_frame();  // until the client hangs up
  });
  auto client = WebSocketClient::connect(options_for(server), in(2s));
  ASSERT_TRUE(client.is_ok()) << client.status().message();
  const auto begin = std::chrono::steady_clock::now();
  auto message = client->receive_text(in(5s));
  ASSERT_FALSE(message.is_ok());
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 2s);  // not by the deadline
  EXPECT_NE(message.status().message().find("over the limit of 4096"), std::string::npos)
      << message.status().message();
  EXPECT_FALSE(client->is_open());
}

TEST(WebSocketClient, FragmentsOverTheMessageCapAreRefused) {
  TestServer server([](TestServer& s) {
    s.handshake();
    s.send_frame(Opcode::kText, std::string(3000, 'a'), false);
    s.send_frame(Opcode::kContinuation, std::string(3000, 'b'), true);
    s.read_frame();
  });
  auto client = WebSocketClient::connect(options_for(server), in(2s));
  ASSERT_TRUE(client.is_ok());
  auto message = client->receive_text(in(2s));
  ASSERT_FALSE(message.is_ok());
  EXPECT_NE(message.status().message().find("message over the limit of 4096 bytes"),
            std::string::npos)
      << message.status().message();
}

TEST(WebSocketClient, HostileFramesEndTheConversationWithTheirReason) {
  TestServer server([](TestServer& s) {
    s.handshake();
    s.send(ws::encode_frame(Opcode::kText, "x", true, std::array<std::uint8_t, 4>{1, 1, 1, 1}));
    s.read_frame();
  });
  auto client = WebSocketClient::connect(options_for(server), in(2s));
  ASSERT_TRUE(client.is_ok());
  auto message = client->receive_text(in(2s));
  ASSERT_FALSE(message.is_ok());
  EXPECT_NE(message.status().message().find("masked frame from the server"), std::string::npos);
}

TEST(WebSocketClient, ServerCloseIsReportedWithItsCode) {
  TestServer server([](TestServer& s) {
    s.handshake();
    s.send_frame(Opcode::kClose, ws::close_payload(1008, "Invalid URI"));
    s.read_frame();
  });
  auto client = WebSocketClient::connect(options_for(server), in(2s));
  ASSERT_TRUE(client.is_ok());
  auto message = client->receive_text(in(2s));
  ASSERT_FALSE(message.is_ok());
  EXPECT_NE(
      message.status().message().find("server closed the connection, code 1008 (Invalid URI)"),
      std::string::npos)
      << message.status().message();
}

TEST(WebSocketClient, EveryWaitEndsAtItsDeadline) {
  // A server that accepts and never answers: the handshake gives up at its deadline.
  TestServer silent([](TestServer& s) { s.read_frame(); });
  const auto begin = std::chrono::steady_clock::now();
  auto client = WebSocketClient::connect(options_for(silent), in(300ms));
  const auto took = std::chrono::steady_clock::now() - begin;
  ASSERT_FALSE(client.is_ok());
  EXPECT_EQ(client.status().code(), ErrorCode::kTimeout) << client.status().message();
  EXPECT_GE(took, 290ms);
  EXPECT_LT(took, 2s);

  // After a good handshake, a receive with nothing coming ends at its deadline too.
  TestServer quiet([](TestServer& s) {
    s.handshake();
    s.read_frame();
  });
  auto open = WebSocketClient::connect(options_for(quiet), in(2s));
  ASSERT_TRUE(open.is_ok());
  auto message = open->receive_text(in(200ms));
  ASSERT_FALSE(message.is_ok());
  EXPECT_EQ(message.status().code(), ErrorCode::kTimeout);
  open->close(in(1s));
}

TEST(WebSocketClient, OnlyNumericAddresses) {
  WebSocketClient::Options o;
  o.address = "localhost";
  o.port = 1;
  auto client = WebSocketClient::connect(o, in(1s));
  ASSERT_FALSE(client.is_ok());
  EXPECT_NE(client.status().message().find("'localhost' is not a numeric address"),
            std::string::npos);
}

}  // namespace
}  // namespace bc::net
