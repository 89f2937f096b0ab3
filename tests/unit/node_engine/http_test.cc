// http.log: exact records, pipelining, chunked bodies, out-of-order segments, and the
// http-request / http-reply / http-header / http-body toggles.
#include <gtest/gtest.h>

#include "tests/unit/node_engine/test_sink.h"

namespace bc::node::test {
namespace {

using bc::test::http_request;
using bc::test::http_response;
using bc::test::PcapBuilder;
using bc::test::TcpSession;
using Fields = std::map<std::string, std::string>;

const char* kHttpClient = "10.0.0.7";
const char* kHttpServer = "198.18.0.80";
const std::string kBody = "<html><body>hi</body></html>";

PcapBuilder one_exchange() {
  PcapBuilder b;
  TcpSession t(b, kHttpClient, 45000, kHttpServer, 80);
  t.handshake(kT0);
  t.client_send(kT0 + 2000, http_request("GET", "/index.html", "www.example.com", "curl/8.0"));
  t.server_send(kT0 + 5000, http_response(200, "OK", kBody));
  t.close(kT0 + 6000);
  return b;
}

TEST(HttpTest, ExchangeGivesOneExactRecord) {
  const auto sink = run_engine(one_exchange());
  const auto http = sink.of("http");
  ASSERT_EQ(http.size(), 1u);
  const Fields conn = fields(sink.of("conn").at(0));
  const Fields expected = {{"ts", "1700000000.002000"},
                           {"uid", conn.at("uid")},
                           {"id.orig_h", kHttpClient},
                           {"id.orig_p", "45000"},
                           {"id.resp_h", kHttpServer},
                           {"id.resp_p", "80"},
                           {"trans_depth", "1"},
                           {"method", "GET"},
                           {"host", "www.example.com"},
                           {"uri", "/index.html"},
                           {"referrer", "-"},
                           {"user_agent", "curl/8.0"},
                           {"request_body_len", "0"},
                           {"response_body_len", std::to_string(kBody.size())},
                           {"status_code", "200"},
                           {"status_msg", "OK"},
                           {"client_headers", "HOST: www.example.com,USER-AGENT: curl/8.0"},
                           {"server_headers", "CONTENT-TYPE: text/html"},
                           {"orig_mime_types", "-"},
                           {"resp_mime_types", "text/html"}};
  EXPECT_EQ(fields(http[0]), expected);
  EXPECT_EQ(conn.at("service"), "http");
  EXPECT_EQ(conn.at("conn_state"), "SF");
}

TEST(HttpTest, RequestOnlyModeLogsClientSide) {
  EngineSettings s;
  s.analyses = {"http-request"};
  const auto http = run_engine(one_exchange(), s).of("http");
  ASSERT_EQ(http.size(), 1u);
  const Fields f = fields(http[0]);
  EXPECT_EQ(f.at("method"), "GET");
  EXPECT_EQ(f.at("status_code"), "-");
  EXPECT_EQ(f.at("status_msg"), "-");
  EXPECT_EQ(f.at("response_body_len"), "-");
  EXPECT_EQ(f.at("client_headers"), "-");  // http-header off
  EXPECT_EQ(f.at("server_headers"), "-");
  EXPECT_EQ(f.at("resp_mime_types"), "-");  // http-body off
}

TEST(HttpTest, HeaderAndBodyTogglesAndLogHeaders) {
  EngineSettings s;
  s.analyses = {"http-request", "http-reply", "http-header"};
  s.http_log_headers = {"SERVER"};
  const Fields f = fields(run_engine(one_exchange(), s).of("http").at(0));
  EXPECT_EQ(f.at("client_headers"), "(empty)");
  EXPECT_EQ(f.at("server_headers"), "SERVER: pcap_builder");
  EXPECT_EQ(f.at("resp_mime_types"), "-");
  EXPECT_EQ(f.at("status_code"), "200");
}

TEST(HttpTest, NoHttpAnalysisNoRecord) {
  EngineSettings s;
  s.analyses = {"dns", "scan"};
  const auto sink = run_engine(one_exchange(), s);
  EXPECT_TRUE(sink.of("http").empty());
  EXPECT_EQ(fields(sink.of("conn").at(0)).at("service"), "-");
}

TEST(HttpTest, PipelinedRequestsPairWithTheirReplies) {
  PcapBuilder b;
  TcpSession t(b, kHttpClient, 45001, kHttpServer, 8080);
  t.handshake(kT0);
  t.client_send(kT0 + 2000, http_request("GET", "/a", "h", "ua") +
                                http_request("POST", "/b", "h", "ua", "x=1&y=2") +
                                http_request("HEAD", "/c", "h", "ua"));
  t.server_send(kT0 + 5000, http_response(200, "OK", "{\"a\":1}", "application/json") +
                                http_response(404, "Not Found", "missing", "text/plain") +
                                // HEAD: Content-Length without a body.
                                "HTTP/1.1 200 OK\r\nContent-Length: 999\r\n\r\n");
  t.close(kT0 + 6000);
  const auto http = run_engine(b).of("http");
  ASSERT_EQ(http.size(), 3u);
  const Fields a = fields(http[0]), p = fields(http[1]), h = fields(http[2]);
  EXPECT_EQ(a.at("trans_depth"), "1");
  EXPECT_EQ(a.at("status_code"), "200");
  EXPECT_EQ(a.at("resp_mime_types"), "application/json");
  EXPECT_EQ(p.at("trans_depth"), "2");
  EXPECT_EQ(p.at("method"), "POST");
  EXPECT_EQ(p.at("request_body_len"), "7");
  EXPECT_EQ(p.at("orig_mime_types"), "text/plain");
  EXPECT_EQ(p.at("status_code"), "404");
  EXPECT_EQ(p.at("status_msg"), "Not Found");
  EXPECT_EQ(h.at("method"), "HEAD");
  EXPECT_EQ(h.at("status_code"), "200");
  EXPECT_EQ(h.at("response_body_len"), "0");
}

TEST(HttpTest, ChunkedBodyAndInterimContinue) {
  PcapBuilder b;
  TcpSession t(b, kHttpClient, 45002, kHttpServer, 80);
  t.handshake(kT0);
  t.client_send(kT0 + 2000, http_request("GET", "/chunks", "h", "ua"));
  t.server_send(kT0 + 3000,
                "HTTP/1.1 100 Continue\r\n\r\n"
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                "5\r\n%PDF-\r\n"
                "a;ext=1\r\n0123456789\r\n"
                "0\r\nTrailer: x\r\n\r\n");
  t.close(kT0 + 4000);
  const auto http = run_engine(b).of("http");
  ASSERT_EQ(http.size(), 1u);
  const Fields f = fields(http[0]);
  EXPECT_EQ(f.at("status_code"), "200");
  EXPECT_EQ(f.at("response_body_len"), "15");
  EXPECT_EQ(f.at("resp_mime_types"), "application/pdf");
}

TEST(HttpTest, OutOfOrderSegmentsAreReassembled) {
  PcapBuilder b;
  TcpSession t(b, kHttpClient, 45003, kHttpServer, 80);
  t.handshake(kT0);
  const std::string req = http_request("GET", "/ooo", "reorder.example", "ua");
  const auto seq = t.client_seq();
  // Second half first, then the first half.
  b.tcp(kT0 + 2000, kHttpClient, 45003, kHttpServer, 80, bc::test::kAck | bc::test::kPsh, seq + 10,
        t.server_seq(), std::string_view(req).substr(10));
  b.tcp(kT0 + 2100, kHttpClient, 45003, kHttpServer, 80, bc::test::kAck | bc::test::kPsh, seq,
        t.server_seq(), std::string_view(req).substr(0, 10));
  const auto http = run_engine(b).of("http");
  ASSERT_EQ(http.size(), 1u);  // logged at flush without a reply
  const Fields f = fields(http[0]);
  EXPECT_EQ(f.at("host"), "reorder.example");
  EXPECT_EQ(f.at("uri"), "/ooo");
  EXPECT_EQ(f.at("status_code"), "-");
}

TEST(HttpTest, BodyUntilCloseAndEscapedValues) {
  PcapBuilder b;
  TcpSession t(b, kHttpClient, 45004, kHttpServer, 80);
  t.handshake(kT0);
  t.client_send(kT0 + 2000, "GET /a\tb HTTP/1.0\r\nUser-Agent: -\r\nReferer: x,y\r\n\r\n");
  t.server_send(kT0 + 3000, "HTTP/1.0 200 OK\r\n\r\nbody-without-length");
  t.close(kT0 + 4000);
  const Fields f = fields(run_engine(b).of("http").at(0));
  EXPECT_EQ(f.at("uri"), "/a\\x09b");
  EXPECT_EQ(f.at("user_agent"), "\\x2d");
  EXPECT_EQ(f.at("referrer"), "x,y");
  EXPECT_EQ(f.at("response_body_len"), "19");
  EXPECT_EQ(f.at("host"), "-");
}

TEST(HttpTest, NonHttpTcpIsNotLogged) {
  PcapBuilder b;
  TcpSession t(b, kHttpClient, 45005, kHttpServer, 80);
  t.handshake(kT0);
  t.client_send(kT0 + 2000, "\x16\x03\x01 not http at all\r\n");
  t.close(kT0 + 4000);
  const auto sink = run_engine(b);
  EXPECT_TRUE(sink.of("http").empty());
  EXPECT_EQ(fields(sink.of("conn").at(0)).at("service"), "-");
}

}  // namespace
}  // namespace bc::node::test
