#include "node/process/cluster_wire.h"

#include <algorithm>
#include <cctype>

#include "messages/codec.h"
#include "messages/limits.h"
#include "messages/value.h"

namespace bc::node {
namespace {

using msg::Value;

Value envelope(std::string_view type, const std::string& node) {
  Value v = Value::empty_map();
  v.set("v", msg::kProtocolVersion).set("type", type).set("node", node);
  return v;
}

Status bad(const std::string& what) {
  return Status::bad_message("cluster message: " + what);
}

Result<LogRecord> decode_record(const Value& item) {
  const Value::Array* pair = item.as_array();
  if (pair == nullptr || pair->size() != 2) return bad("a record is not [stream, values]");
  const std::string* stream = (*pair)[0].as_string();
  const Value::Array* values = (*pair)[1].as_array();
  if (stream == nullptr || values == nullptr) return bad("a record is not [stream, values]");
  const LogSchema* schema = log_schema(*stream);
  if (schema == nullptr) return bad("unknown log stream '" + *stream + "'");
  if (values->size() != schema->fields.size()) {
    return bad("a " + *stream + " record has " + std::to_string(values->size()) + " values, not " +
               std::to_string(schema->fields.size()));
  }
  LogRecord record{*stream, {}};
  record.values.reserve(values->size());
  for (const Value& v : *values) {
    const std::string* s = v.as_string();
    if (s == nullptr) return bad("a " + *stream + " value is not a string");
    record.values.push_back(*s);
  }
  return record;
}

Result<ScanObservation> decode_observation(const Value& item) {
  const Value::Array* a = item.as_array();
  if (a == nullptr || a->size() != 6) return bad("an observation is not a 6-array");
  const auto ts = (*a)[0].as_int();
  const std::string* src = (*a)[1].as_string();
  const std::string* dst = (*a)[2].as_string();
  const auto port = (*a)[3].as_uint();
  const std::string* proto = (*a)[4].as_string();
  const auto established = (*a)[5].as_bool();
  if (!ts || !src || !dst || !port || *port > 65535 || !proto || !established) {
    return bad("an observation has a field of the wrong type");
  }
  return ScanObservation{*ts, *src, *dst, static_cast<std::uint16_t>(*port), *proto, *established};
}

}  // namespace

std::string encode_logs(const LogBatch& batch) {
  Value records = Value::empty_array();
  for (const LogRecord& r : batch.records) {
    Value values = Value::empty_array();
    for (const std::string& v : r.values)
      values.push_back(v);
    records.push_back(Value(Value::Array{Value(r.stream), std::move(values)}));
  }
  Value v = envelope("logs", batch.node);
  if (!batch.sender.empty()) {
    v.set("sender", batch.sender).set("seq", batch.seq).set("base", batch.base);
  }
  v.set("records", std::move(records));
  return msg::encode_value(v);
}

std::string encode_scans(const ScanBatch& batch) {
  Value obs = Value::empty_array();
  for (const ScanObservation& o : batch.observations) {
    obs.push_back(Value(Value::Array{Value(o.ts_us), Value(o.src), Value(o.dst), Value(o.port),
                                     Value(o.proto), Value(o.established)}));
  }
  Value v = envelope("scan", batch.node);
  v.set("obs", std::move(obs));
  return msg::encode_value(v);
}

std::string encode_ack(const LogAck& ack) {
  Value v = envelope("ack", ack.node);
  v.set("sender", ack.sender).set("seq", ack.seq);
  return msg::encode_value(v);
}

namespace {

// The envelope's checks; the message's type.
Result<std::string> check_envelope(const Value& v) {
  if (!v.is_map()) return bad("not a map");
  Result<std::int64_t> version = v.get_int("v");
  if (!version) return bad(version.status().message());
  if (*version != msg::kProtocolVersion) {
    return Status(ErrorCode::kBadVersion, "cluster message: version " + std::to_string(*version));
  }
  Result<std::string> type = v.get_string("type");
  if (!type || v.find("node") == nullptr || !v.find("node")->as_string()) {
    return bad("no type or node");
  }
  return *type;
}

// sender/seq/base of a logs batch: all or none; seq and base from 1, base <= seq.
Status decode_sequence(const Value& v, ClusterMessage& out) {
  const Value* sender = v.find("sender");
  if (sender == nullptr) return Status::ok();
  const std::string* id = sender->as_string();
  const Value* seq = v.find("seq");
  const Value* base = v.find("base");
  const std::uint64_t n = seq ? seq->as_uint().value_or(0) : 0;
  const std::uint64_t b = base ? base->as_uint().value_or(0) : 0;
  const auto plain = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; };
  if (id == nullptr || id->empty() || id->size() > 64 ||
      !std::all_of(id->begin(), id->end(), plain) || n == 0 || b == 0 || b > n) {
    return bad("a logs batch with a bad sender/seq/base");
  }
  out.sender = *id;
  out.seq = n;
  out.base = b;
  return Status::ok();
}

}  // namespace

Result<LogAck> decode_ack(std::string_view bytes) {
  Result<Value> decoded = msg::decode_value(bytes);
  if (!decoded) return decoded.status();
  Result<std::string> type = check_envelope(*decoded);
  if (!type) return type.status();
  if (*type != "ack") return bad("not an ack but '" + *type + "'");
  Result<std::string> sender = decoded->get_string("sender");
  const Value* seq = decoded->find("seq");
  const auto n = seq ? seq->as_uint() : std::nullopt;
  if (!sender || !n) return bad("an ack without sender or seq");
  return LogAck{*decoded->find("node")->as_string(), *sender, *n};
}

Result<ClusterMessage> decode_cluster_message(std::string_view bytes) {
  Result<Value> decoded = msg::decode_value(bytes);
  if (!decoded) return decoded.status();
  const Value& v = *decoded;
  Result<std::string> type = check_envelope(v);
  if (!type) return type.status();
  ClusterMessage out;
  out.node = *v.find("node")->as_string();
  if (*type == "logs") {
    if (Status s = decode_sequence(v, out); !s) return s;
  }
  const char* list = *type == "logs" ? "records" : *type == "scan" ? "obs" : nullptr;
  if (list == nullptr) return bad("unknown type '" + *type + "'");
  const Value* items = v.find(list);
  if (items == nullptr || !items->is_array()) return bad(std::string("no ") + list + " array");
  for (const Value& item : *items->as_array()) {
    if (*type == "logs") {
      Result<LogRecord> r = decode_record(item);
      if (!r) return r.status();
      out.records.push_back(std::move(*r));
    } else {
      Result<ScanObservation> o = decode_observation(item);
      if (!o) return o.status();
      out.observations.push_back(std::move(*o));
    }
  }
  return out;
}

}  // namespace bc::node
