#include "node/engine/http_analyzer.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <optional>

#include "common/strings.h"
#include "node/engine/log_format.h"
#include "node/engine/mime.h"

namespace bc::node {
namespace {

constexpr std::size_t kSniffBytes = 512;

bool is_method_token(std::string_view s) {
  if (s.empty() || s.size() > 16) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

std::optional<std::uint64_t> parse_number(std::string_view s, int base) {
  s = trim(s);
  if (s.empty() || s.size() > 15) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (base == 16 && std::isxdigit(static_cast<unsigned char>(c))) {
      d = std::tolower(c) - 'a' + 10;
    } else {
      return std::nullopt;
    }
    v = v * static_cast<std::uint64_t>(base) + static_cast<std::uint64_t>(d);
  }
  return v;
}

}  // namespace

HttpAnalyzer::HttpAnalyzer(Options options) : o_(std::move(options)) {}

void HttpAnalyzer::data(bool from_orig, const std::uint8_t* b, std::size_t n, std::int64_t ts,
                        const ConnId& id, RecordSink& sink) {
  const int s = from_orig ? 0 : 1;
  if (s == 1 && !o_.reply) return;
  Side& sd = side_[s];
  while (n > 0 && sd.state != State::kDead) {
    switch (sd.state) {
      case State::kBody:
      case State::kChunkData: {
        const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(sd.remaining, n));
        on_body(s, b, take);
        b += take;
        n -= take;
        sd.remaining -= take;
        if (sd.remaining == 0) {
          if (sd.state == State::kBody) {
            message_done(s, id, sink);
          } else {
            sd.state = State::kChunkCrlf;
          }
        }
        break;
      }
      case State::kUntilClose:
        on_body(s, b, n);
        n = 0;
        break;
      default: {
        const auto* nl = static_cast<const std::uint8_t*>(std::memchr(b, '\n', n));
        const std::size_t take = nl ? static_cast<std::size_t>(nl - b) + 1 : n;
        sd.line.append(reinterpret_cast<const char*>(b), take);
        b += take;
        n -= take;
        if (sd.line.size() > kMaxLine) {
          sd.state = State::kDead;
        } else if (nl) {
          std::string line;
          line.swap(sd.line);
          line.pop_back();
          if (!line.empty() && line.back() == '\r') line.pop_back();
          on_line(s, std::move(line), ts, id, sink);
        }
      }
    }
  }
}

void HttpAnalyzer::on_line(int s, std::string line, std::int64_t ts, const ConnId& id,
                           RecordSink& sink) {
  Side& sd = side_[s];
  switch (sd.state) {
    case State::kFirstLine:
      if (line.empty()) return;  // stray CRLF between messages
      on_first_line(s, line, ts);
      break;
    case State::kHeaders:
      if (line.empty()) {
        on_headers_end(s, id, sink);
      } else {
        on_header(s, line);
      }
      break;
    case State::kChunkSize: {
      auto size = parse_number(std::string_view(line).substr(0, line.find(';')), 16);
      if (!size) {
        sd.state = State::kDead;
      } else if (*size == 0) {
        sd.state = State::kTrailers;
      } else {
        sd.remaining = *size;
        sd.state = State::kChunkData;
      }
      break;
    }
    case State::kChunkCrlf:
      sd.state = State::kChunkSize;
      break;
    case State::kTrailers:
      if (line.empty()) message_done(s, id, sink);
      break;
    default:
      break;
  }
}

void HttpAnalyzer::on_first_line(int s, const std::string& line, std::int64_t ts) {
  Side& sd = side_[s];
  const auto sp1 = line.find(' ');
  if (s == 0) {
    const auto sp2 = line.rfind(' ');
    if (sp1 == std::string::npos || sp2 == sp1 || !is_method_token(line.substr(0, sp1)) ||
        line.compare(sp2 + 1, 5, "HTTP/") != 0) {
      sd.state = State::kDead;
      return;
    }
    if (txns_.size() >= kMaxPendingTxns) drop_front();
    Txn& t = txns_.emplace_back();
    t.ts_us = ts;
    t.depth = ++depth_;
    t.method = line.substr(0, sp1);
    t.uri = line.substr(sp1 + 1, sp2 - sp1 - 1);
    sd.txn = &t;
  } else {
    if (line.compare(0, 5, "HTTP/") != 0 || sp1 == std::string::npos) {
      sd.state = State::kDead;
      return;
    }
    const auto code = parse_number(std::string_view(line).substr(sp1 + 1, 3), 10);
    if (!code) {
      sd.state = State::kDead;
      return;
    }
    auto it =
        std::find_if(txns_.begin(), txns_.end(), [](const Txn& t) { return !t.resp_started; });
    if (it == txns_.end()) {  // a reply we saw no request for
      if (txns_.size() >= kMaxPendingTxns) drop_front();
      it = txns_.emplace(txns_.end());
      it->ts_us = ts;
      it->depth = ++depth_;
    }
    it->resp_started = true;
    it->status = static_cast<int>(*code);
    it->status_msg = line.size() > sp1 + 5 ? line.substr(sp1 + 5) : "";
    it->server_headers.clear();
    sd.txn = &*it;
  }
  seen_ = true;
  sd.state = State::kHeaders;
  sd.chunked = sd.has_length = false;
  sd.length = 0;
}

void HttpAnalyzer::on_header(int s, const std::string& line) {
  Side& sd = side_[s];
  const auto colon = line.find(':');
  if (colon == std::string::npos || !sd.txn) return;
  const std::string name = to_lower(trim(std::string_view(line).substr(0, colon)));
  const std::string value(trim(std::string_view(line).substr(colon + 1)));
  Txn& t = *sd.txn;
  if (name == "content-length") {
    if (auto v = parse_number(value, 10)) {
      sd.has_length = true;
      sd.length = *v;
    }
  } else if (name == "transfer-encoding") {
    sd.chunked = to_lower(value).find("chunked") != std::string::npos;
  } else if (s == 0 && name == "host") {
    t.host = value;
  } else if (s == 0 && name == "user-agent") {
    t.user_agent = value;
  } else if (s == 0 && name == "referer") {
    t.referrer = value;
  }
  std::string upper = name;
  for (auto& c : upper)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (o_.headers && o_.log_headers.count(upper)) {
    (s == 0 ? t.client_headers : t.server_headers).push_back(upper + ": " + value);
  }
}

void HttpAnalyzer::on_headers_end(int s, const ConnId& id, RecordSink& sink) {
  Side& sd = side_[s];
  if (s == 1 && sd.txn) {
    const int st = sd.txn->status;
    if (st >= 100 && st < 200) {  // interim reply: the real one follows
      sd.txn->resp_started = false;
      sd.txn = nullptr;
      sd.state = State::kFirstLine;
      return;
    }
    if (sd.txn->method == "HEAD" || st == 204 || st == 304) {
      message_done(s, id, sink);
      return;
    }
  }
  if (sd.chunked) {
    sd.state = State::kChunkSize;
  } else if (sd.has_length && sd.length > 0) {
    sd.remaining = sd.length;
    sd.state = State::kBody;
  } else if (s == 1 && !sd.has_length) {
    sd.state = State::kUntilClose;
  } else {
    message_done(s, id, sink);
  }
}

void HttpAnalyzer::on_body(int s, const std::uint8_t* b, std::size_t n) {
  Txn* t = side_[s].txn;
  if (!t) return;
  (s == 0 ? t->req_body : t->resp_body) += n;
  if (!o_.body) return;
  std::string& sniff = s == 0 ? t->req_sniff : t->resp_sniff;
  const std::size_t cap =
      static_cast<std::size_t>(std::min<std::uint64_t>(o_.max_body_bytes, kSniffBytes));
  if (sniff.size() < cap) {
    sniff.append(reinterpret_cast<const char*>(b), std::min(n, cap - sniff.size()));
  }
}

void HttpAnalyzer::message_done(int s, const ConnId& id, RecordSink& sink) {
  Side& sd = side_[s];
  if (sd.txn) (s == 0 ? sd.txn->req_done : sd.txn->resp_done) = true;
  sd.txn = nullptr;
  sd.state = State::kFirstLine;
  log_ready(id, sink, false);
}

void HttpAnalyzer::log_ready(const ConnId& id, RecordSink& sink, bool all) {
  for (auto& t : txns_) {
    const bool ready = o_.reply ? t.resp_done : t.req_done;
    if (!t.logged && (ready || all)) emit(t, id, sink);
  }
  // Pointers into the deque stay valid: only logged transactions nobody parses go.
  while (!txns_.empty() && txns_.front().logged && side_[0].txn != &txns_.front() &&
         side_[1].txn != &txns_.front()) {
    txns_.pop_front();
  }
}

void HttpAnalyzer::drop_front() {
  // Bounded memory for a client that pipelines without end: the oldest goes unlogged.
  for (auto& sd : side_) {
    if (sd.txn == &txns_.front()) {
      sd.txn = nullptr;
      if (sd.state != State::kFirstLine) sd.state = State::kDead;
    }
  }
  txns_.pop_front();
}

void HttpAnalyzer::finish(const ConnId& id, RecordSink& sink) {
  if (side_[1].state == State::kUntilClose && side_[1].txn) side_[1].txn->resp_done = true;
  log_ready(id, sink, true);
  txns_.clear();
  side_[0].txn = side_[1].txn = nullptr;
}

void HttpAnalyzer::emit(Txn& t, const ConnId& id, RecordSink& sink) {
  t.logged = true;
  const std::string unset(tsv::kUnset);
  auto str = [&](const std::string& v) { return v.empty() ? unset : tsv::escape(v); };
  const bool req = !t.method.empty();
  const bool resp = o_.reply && t.resp_started;
  auto mime = [&](bool on, const std::string& sniff) {
    return on && o_.body && !sniff.empty() ? tsv::set({sniff_mime(sniff)}) : unset;
  };
  LogRecord r;
  r.stream = "http";
  r.values = {tsv::time(t.ts_us),
              id.uid,
              id.orig_h,
              id.orig_p,
              id.resp_h,
              id.resp_p,
              tsv::count(static_cast<std::uint64_t>(t.depth)),
              str(t.method),
              str(t.host),
              str(t.uri),
              str(t.referrer),
              str(t.user_agent),
              req ? tsv::count(t.req_body) : unset,
              resp ? tsv::count(t.resp_body) : unset,
              resp ? tsv::count(static_cast<std::uint64_t>(t.status)) : unset,
              resp ? str(t.status_msg) : unset,
              o_.headers && req ? tsv::set(t.client_headers) : unset,
              o_.headers && resp ? tsv::set(t.server_headers) : unset,
              mime(req, t.req_sniff),
              mime(resp, t.resp_sniff)};
  sink.log(r);
}

}  // namespace bc::node
