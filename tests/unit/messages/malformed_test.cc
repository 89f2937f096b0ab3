// Garbage in, typed error out: a table of malformed bodies, each with the ErrorCode and a
// substring of the message it must produce. Bodies are built by editing a valid encoding
// as a Value (so the rest of the message stays valid) or written as raw hex.

#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "sample_messages.h"

namespace bc::msg {
namespace {

using namespace testing;

// Decodes a valid body as a map, lets `edit` change it and re-encodes it.
std::string edited(const std::string& body, const std::function<void(Value::Map&)>& edit) {
  Value v = *decode_value(body);
  edit(*v.as_map());
  return encode_value(v);
}

std::string without(const std::string& body, const std::string& key) {
  return edited(body, [&](Value::Map& m) { m.erase(key); });
}

std::string with(const std::string& body, const std::string& key, Value value) {
  return edited(body, [&](Value::Map& m) { m.insert_or_assign(key, value); });
}

std::string nested_arrays(int depth) {
  std::string hex;
  for (int i = 0; i < depth; ++i) {
    hex += "91";
  }
  return from_hex(hex + "c0");
}

struct Case {
  std::string name;
  std::function<Status()> run;
  ErrorCode code;
  std::string substring;
};

template <class M>
std::function<Status()> as(std::string bytes) {
  return [bytes = std::move(bytes)] { return decode<M>(bytes).status(); };
}

std::vector<Case> cases() {
  const std::string hb = encode(sample_heartbeat());
  const std::string req = encode(sample_request());
  const std::string host = encode(sample_host_stats());
  const std::string err = encode(sample_reply_error());
  Value two_disks = *decode_value(host);
  Value bad_disk = *two_disks.find("disks");
  bad_disk.as_array()->at(1).set("avail_pct", "ten");
  Value pathless = *two_disks.find("disks");
  pathless.as_array()->at(0).as_map()->erase("path");
  const ErrorCode bad = ErrorCode::kBadMessage;
  const ErrorCode large = ErrorCode::kTooLarge;
  return {
      {"empty buffer", as<Heartbeat>(""), bad, "empty"},
      {"truncated buffer", as<Heartbeat>(hb.substr(0, hb.size() - 1)), bad, "truncated"},
      {"truncated header", as<Heartbeat>(hb.substr(0, 1)), bad, "truncated"},
      {"trailing bytes", as<Heartbeat>(hb + "\xc0"), bad, "trailing"},
      {"not a map: array", as<Heartbeat>(from_hex("920102")), bad, "not a map (got array)"},
      {"not a map: int", as<Request>(from_hex("05")), bad, "not a map (got integer)"},
      {"not a map: string", as<Reply>(from_hex("a3616263")), bad, "not a map (got string)"},
      {"invalid byte 0xc1", as<Heartbeat>(from_hex("c1")), bad, "0xc1"},
      {"ext type", as<Heartbeat>(from_hex("81a178d40100")), bad, "ext"},
      {"non-string key", as<Heartbeat>(from_hex("810101")), bad, "expected string, got integer"},
      {"duplicate key", as<Request>(from_hex("82a17601a17601")), bad, "duplicate key 'v'"},
      {"missing v", as<Heartbeat>(without(hb, "v")), bad, "missing required field 'v'"},
      {"missing type", as<Heartbeat>(without(hb, "type")), bad, "missing required field 'type'"},
      {"missing heartbeat.role", as<Heartbeat>(without(hb, "role")), bad, "field 'role'"},
      {"missing node_state.state",
       as<NodeStateChange>(without(encode(sample_node_state()), "state")), bad,
       "missing required field 'state'"},
      {"missing node_stats.pid", as<NodeStats>(without(encode(sample_node_stats()), "pid")), bad,
       "missing required field 'pid'"},
      {"missing host_stats.load5", as<HostStats>(without(host, "load5")), bad,
       "missing required field 'load5'"},
      {"missing disks[0].path", as<HostStats>(with(host, "disks", pathless)), bad,
       "missing required field 'disks[0].path'"},
      {"missing crash.record_dir", as<CrashReport>(without(encode(sample_crash()), "record_dir")),
       bad, "missing required field 'record_dir'"},
      {"missing alert.kind", as<Alert>(without(encode(sample_alert()), "kind")), bad,
       "missing required field 'kind'"},
      {"missing log.message", as<LogLine>(without(encode(sample_log_line()), "message")), bad,
       "missing required field 'message'"},
      {"missing request.cmd", as<Request>(without(req, "cmd")), bad,
       "missing required field 'cmd'"},
      {"missing reply.ok", as<Reply>(without(err, "ok")), bad, "missing required field 'ok'"},
      {"wrong type: pid string", as<Heartbeat>(with(hb, "pid", "1234")), bad,
       "field 'pid': expected integer, got string"},
      {"wrong type: bool as int",
       as<NodeStateChange>(with(encode(sample_node_state()), "core_dumped", 1)), bad,
       "field 'core_dumped': expected bool, got integer"},
      {"wrong type: double as string", as<HostStats>(with(host, "disks", bad_disk)), bad,
       "field 'disks[1].avail_pct': expected number, got string"},
      {"wrong type: counters value", as<Heartbeat>(with(hb, "counters", Value().set("x", "y"))),
       bad, "field 'counters.x': expected integer, got string"},
      {"wrong type: args not a map", as<Request>(with(req, "args", Value::Array{})), bad,
       "field 'args': must be a map"},
      {"command name over its limit", as<Request>(with(req, "cmd", std::string(8u << 20, 'a'))),
       bad, "field 'cmd': 8388608 bytes, at most 64"},
      {"nonce over its limit", as<Request>(with(req, "nonce", std::string(65, 'n'))), bad,
       "field 'nonce': 65 bytes, at most 64"},
      {"wrong type tag", as<NodeStats>(hb), bad, "type 'heartbeat' where 'node_stats'"},
      {"type not a string", as<Heartbeat>(with(hb, "type", 7)), bad,
       "field 'type': expected string"},
      {"unknown version 2", as<Heartbeat>(with(hb, "v", 2)), ErrorCode::kBadVersion, "version 2"},
      {"unknown version in request", as<Request>(with(req, "v", 2)), ErrorCode::kBadVersion,
       "version 2"},
      {"version 0", as<Reply>(with(err, "v", 0)), ErrorCode::kBadVersion, "version 0"},
      {"version as string", as<Heartbeat>(with(hb, "v", "1")), bad, "field 'v': expected integer"},
      {"negative into unsigned", as<Heartbeat>(with(hb, "seq", -1)), bad,
       "field 'seq': negative value -1"},
      {"uint32 overflow", as<Heartbeat>(with(hb, "nodes_total", std::uint64_t{1} << 32)), bad,
       "field 'nodes_total': value 4294967296 out of range"},
      {"int32 overflow",
       as<CrashReport>(with(encode(sample_crash()), "signal", std::int64_t{1} << 31)), bad,
       "field 'signal': value 2147483648 out of range"},
      {"int64 overflow", as<Heartbeat>(with(hb, "pid", UINT64_MAX)), bad, "out of range"},
      {"depth bomb in args",
       as<Request>(with(req, "args", Value().set("x", *decode_value(nested_arrays(31))))), large,
       "nesting deeper than 32"},
      {"depth bomb raw", as<Heartbeat>(nested_arrays(100000)), large, "nesting deeper than 32"},
      {"map claiming 2^31 entries", as<Heartbeat>(from_hex("df80000000")), large,
       "map claims 2147483648"},
      {"array claiming 2^32-1 items", as<Heartbeat>(from_hex("ddffffffff")), large, "array claims"},
      {"array claiming more than present", as<Heartbeat>(from_hex("dc1000c0")), bad, "truncated"},
      {"str claiming 4 GiB", as<Heartbeat>(from_hex("dbffffffff616263")), large,
       "string claims 4294967295"},
      {"bin claiming more than present", as<Heartbeat>(from_hex("c60000ffff00")), bad, "truncated"},
      {"oversize frame", as<Heartbeat>(std::string(kMaxFrameBytes + 1, '\xc0')), large,
       "exceeds limit"},
      {"reply ok=false without error", as<Reply>(without(err, "error")), bad,
       "missing required field 'error'"},
      {"reply ok=true with error", as<Reply>(with(err, "ok", true)), bad, "present although ok"},
      {"unknown error code",
       as<Reply>(with(err, "error", Value().set("code", 999).set("message", "x"))), bad,
       "unknown error code 999"},
      {"error code 0 with ok=false",
       as<Reply>(with(err, "error", Value().set("code", 0).set("message", "x"))), bad,
       "unknown error code 0"},
      {"error code above uint16",
       as<Reply>(with(err, "error", Value().set("code", 70000).set("message", "x"))), bad,
       "field 'error.code': value 70000 out of range"},
      {"error without message", as<Reply>(with(err, "error", Value().set("code", 2))), bad,
       "missing required field 'error.message'"},
      {"invalid state name",
       as<NodeStateChange>(with(encode(sample_node_state()), "state", "sleeping")), bad,
       "'sleeping' is not one of"},
      {"empty node name", as<NodeStats>(with(encode(sample_node_stats()), "node", "")), bad,
       "field 'node': must not be empty"},
      {"unknown role", as<Heartbeat>(with(hb, "role", "worker")), bad, "field 'role'"},
      {"empty host", as<LogLine>(with(encode(sample_log_line()), "host", "")), bad, "field 'host'"},
      {"negative ts", as<Alert>(with(encode(sample_alert()), "ts", -5)), bad, "field 'ts'"},
      {"alert kind not a token", as<Alert>(with(encode(sample_alert()), "kind", "Host Down")), bad,
       "field 'kind'"},
      {"nan cpu", as<NodeStats>(with(encode(sample_node_stats()), "cpu_pct", std::nan(""))), bad,
       "field 'cpu_pct'"},
      {"negative cpu seconds", as<NodeStats>(with(encode(sample_node_stats()), "cpu_user_s", -1.5)),
       bad, "field 'cpu_user_s'"},
      {"peek: no type", [req] { return peek_type(req).status(); }, bad,
       "missing required field 'type'"},
      {"peek: garbage", [] { return peek_type(from_hex("c1")).status(); }, bad, "0xc1"},
      {"value: depth 33", [] { return decode_value(nested_arrays(33)).status(); }, large,
       "nesting"},
      {"value: ext", [] { return decode_value(from_hex("d40100")).status(); }, bad, "ext"},
      {"event_to_json: unknown type",
       [hb] { return event_to_json(with(hb, "type", "mystery")).status(); }, bad,
       "unknown event type 'mystery'"},
  };
}

TEST(Malformed, EveryCaseGivesItsError) {
  for (const Case& c : cases()) {
    SCOPED_TRACE(c.name);
    Status s = c.run();
    EXPECT_EQ(error_code_name(s.code()), error_code_name(c.code)) << s.to_string();
    EXPECT_NE(s.message().find(c.substring), std::string::npos) << s.to_string();
  }
}

TEST(Malformed, DepthLimitIsExact) {
  EXPECT_TRUE(decode_value(nested_arrays(32)).is_ok());
  EXPECT_EQ(decode_value(nested_arrays(33)).status().code(), ErrorCode::kTooLarge);
}

TEST(Malformed, LimitsThemselvesAreAccepted) {
  Value big = Value::empty_array();
  for (std::size_t i = 0; i < kMaxArrayItems; ++i) {
    big.push_back(nullptr);
  }
  EXPECT_TRUE(decode_value(encode_value(big)).is_ok());
  big.push_back(nullptr);
  EXPECT_EQ(decode_value(encode_value(big)).status().code(), ErrorCode::kTooLarge);
}

}  // namespace
}  // namespace bc::msg
