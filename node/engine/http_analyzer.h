#pragma once
// HttpAnalyzer: HTTP/1.x over one TCP flow, fed the in-order bytes of each direction by
// the Reassembler. Parses request lines, headers and bodies (Content-Length, chunked, or
// until close) so that pipelined transactions are paired with their replies in order, and
// emits one http record per transaction. What it records follows the analysis toggles
// (docs/ENGINE.md, "HTTP"). Internal to the engine.

#include <cstdint>
#include <deque>
#include <set>
#include <string>
#include <vector>

#include "node/engine/conn_id.h"
#include "node/engine/engine.h"

namespace bc::node {

class HttpAnalyzer {
 public:
  struct Options {
    bool reply = true;    // http-reply: parse the server side too
    bool headers = true;  // http-header: log the headers named in log_headers
    bool body = true;     // http-body: sniff the MIME type of the first body bytes
    std::uint64_t max_body_bytes = 4096;
    std::set<std::string> log_headers;  // upper-case names
  };
  static constexpr std::size_t kMaxLine = 8192;
  static constexpr std::size_t kMaxPendingTxns = 32;

  explicit HttpAnalyzer(Options options);

  void data(bool from_orig, const std::uint8_t* bytes, std::size_t len, std::int64_t ts_us,
            const ConnId& id, RecordSink& sink);
  // Flow end: the reply side's body-until-close ends; every open transaction is logged.
  void finish(const ConnId& id, RecordSink& sink);
  bool seen_http() const { return seen_; }
  // True once the client side turned out not to be HTTP.
  bool dead() const { return side_[0].state == State::kDead; }

 private:
  enum class State {
    kFirstLine,
    kHeaders,
    kBody,
    kChunkSize,
    kChunkData,
    kChunkCrlf,
    kTrailers,
    kUntilClose,
    kDead
  };
  struct Txn {
    std::int64_t ts_us = 0;
    int depth = 0;
    std::string method, uri, host, referrer, user_agent;
    std::uint64_t req_body = 0, resp_body = 0;
    std::string req_sniff, resp_sniff;
    std::vector<std::string> client_headers, server_headers;
    int status = -1;
    std::string status_msg;
    bool req_done = false, resp_started = false, resp_done = false, logged = false;
  };
  struct Side {
    State state = State::kFirstLine;
    std::string line;
    std::uint64_t remaining = 0;
    bool chunked = false;
    bool has_length = false;
    std::uint64_t length = 0;
    Txn* txn = nullptr;
  };

  void on_line(int side, std::string line, std::int64_t ts_us, const ConnId& id, RecordSink& sink);
  void on_first_line(int side, const std::string& line, std::int64_t ts_us);
  void on_header(int side, const std::string& line);
  void on_headers_end(int side, const ConnId& id, RecordSink& sink);
  void on_body(int side, const std::uint8_t* b, std::size_t n);
  void message_done(int side, const ConnId& id, RecordSink& sink);
  void drop_front();
  void log_ready(const ConnId& id, RecordSink& sink, bool all);
  void emit(Txn& t, const ConnId& id, RecordSink& sink);

  Options o_;
  Side side_[2];  // 0 = client (orig), 1 = server (resp)
  std::deque<Txn> txns_;
  int depth_ = 0;
  bool seen_ = false;
};

}  // namespace bc::node
