#pragma once
// DnsAnalyzer: the dns analysis of one flow (UDP or TCP with port 53 on either side).
// Pairs queries and replies by transaction id and emits one dns record per pair (a query
// without reply, or a reply without query, is logged when the flow ends). Internal.

#include <cstdint>
#include <map>
#include <string>

#include "node/engine/conn_id.h"
#include "node/engine/dns_message.h"
#include "node/engine/engine.h"

namespace bc::node {

class DnsAnalyzer {
 public:
  static constexpr std::size_t kMaxPending = 64;

  // One whole message (UDP payload, or a TCP message without its length prefix).
  // Returns false when it is not DNS.
  bool message(const std::uint8_t* data, std::size_t len, bool from_orig, std::int64_t ts_us,
               const ConnId& id, RecordSink& sink);
  // TCP: stream bytes of one direction, length-prefixed messages.
  void stream(const std::uint8_t* data, std::size_t len, bool from_orig, std::int64_t ts_us,
              const ConnId& id, RecordSink& sink);
  // Flow end: logs the queries still waiting for a reply.
  void finish(const ConnId& id, RecordSink& sink);
  bool seen_dns() const { return seen_; }

 private:
  struct Pending {
    std::int64_t ts_us;
    DnsMessage query;
  };
  void emit(const ConnId& id, const Pending* query, const DnsMessage* reply, std::int64_t reply_ts,
            RecordSink& sink);

  std::map<std::uint16_t, Pending> pending_;
  std::string buf_[2];  // TCP: orig, resp
  bool seen_ = false;
};

}  // namespace bc::node
