#include "node/engine/dns_analyzer.h"

#include "node/engine/log_format.h"

namespace bc::node {
namespace {
constexpr std::size_t kMaxTcpBuffer = 64 * 1024;
}  // namespace

bool DnsAnalyzer::message(const std::uint8_t* data, std::size_t len, bool from_orig,
                          std::int64_t ts_us, const ConnId& id, RecordSink& sink) {
  DnsMessage m;
  if (!parse_dns(data, len, m)) return false;
  seen_ = true;
  (void)from_orig;  // the QR bit, not the direction, tells query from reply
  if (!m.qr) {
    if (pending_.size() >= kMaxPending && !pending_.count(m.id)) {
      auto oldest = pending_.begin();
      emit(id, &oldest->second, nullptr, 0, sink);
      pending_.erase(oldest);
    }
    auto it = pending_.find(m.id);
    if (it != pending_.end()) {  // a repeated id: the old query got no reply
      emit(id, &it->second, nullptr, 0, sink);
      pending_.erase(it);
    }
    pending_.emplace(m.id, Pending{ts_us, std::move(m)});
    return true;
  }
  auto it = pending_.find(m.id);
  if (it == pending_.end()) {
    emit(id, nullptr, &m, ts_us, sink);
  } else {
    emit(id, &it->second, &m, ts_us, sink);
    pending_.erase(it);
  }
  return true;
}

void DnsAnalyzer::stream(const std::uint8_t* data, std::size_t len, bool from_orig,
                         std::int64_t ts_us, const ConnId& id, RecordSink& sink) {
  std::string& b = buf_[from_orig ? 0 : 1];
  if (b.size() + len > kMaxTcpBuffer) {
    b.clear();  // not DNS as we know it; give up on this direction's backlog
    return;
  }
  b.append(reinterpret_cast<const char*>(data), len);
  while (b.size() >= 2) {
    const std::size_t mlen = static_cast<std::size_t>(static_cast<std::uint8_t>(b[0]) << 8 |
                                                      static_cast<std::uint8_t>(b[1]));
    if (b.size() < 2 + mlen) break;
    message(reinterpret_cast<const std::uint8_t*>(b.data()) + 2, mlen, from_orig, ts_us, id, sink);
    b.erase(0, 2 + mlen);
  }
}

void DnsAnalyzer::finish(const ConnId& id, RecordSink& sink) {
  for (auto& [tid, p] : pending_)
    emit(id, &p, nullptr, 0, sink);
  pending_.clear();
}

void DnsAnalyzer::emit(const ConnId& id, const Pending* q, const DnsMessage* r,
                       std::int64_t reply_ts, RecordSink& sink) {
  const DnsMessage& m = q ? q->query : *r;
  const std::string unset(tsv::kUnset);
  LogRecord rec;
  rec.stream = "dns";
  auto& v = rec.values;
  v.push_back(tsv::time(q ? q->ts_us : reply_ts));
  v.insert(v.end(), {id.uid, id.orig_h, id.orig_p, id.resp_h, id.resp_p, id.proto});
  v.push_back(tsv::count(m.id));
  v.push_back(q && r ? tsv::interval(reply_ts - q->ts_us) : unset);
  const DnsMessage& question = m.has_question || !r ? m : *r;
  const bool hq = question.has_question;
  v.push_back(hq ? tsv::escape(question.qname) : unset);
  v.push_back(hq ? tsv::count(question.qclass) : unset);
  v.push_back(hq ? dns_qclass_name(question.qclass) : unset);
  v.push_back(hq ? tsv::count(question.qtype) : unset);
  v.push_back(hq ? dns_qtype_name(question.qtype) : unset);
  v.push_back(r ? tsv::count(r->rcode) : unset);
  v.push_back(r ? dns_rcode_name(r->rcode) : unset);
  v.push_back(tsv::boolean(r && r->aa));
  v.push_back(tsv::boolean(r && r->tc));
  v.push_back(tsv::boolean(m.rd));
  v.push_back(tsv::boolean(r && r->ra));
  v.push_back(tsv::count(r ? r->z : m.z));
  if (r && !r->answers.empty()) {
    v.push_back(tsv::set(r->answers));
    std::vector<std::string> ttls;
    for (auto t : r->ttls)
      ttls.push_back(tsv::interval(std::int64_t{t} * 1000000));
    v.push_back(tsv::set(ttls));
  } else {
    v.push_back(unset);
    v.push_back(unset);
  }
  v.push_back(tsv::boolean(r && r->rcode == 5));  // REFUSED
  sink.log(rec);
}

}  // namespace bc::node
