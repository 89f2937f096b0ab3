#include <algorithm>

#include "node/engine/log_record.h"

namespace bc::node {
namespace {

// Columns follow Zeek's logs of the same name (a subset where the engine has no data);
// docs/ENGINE.md lists every column.
const LogSchema kConn{
    "conn",
    {"ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "service",
     "duration", "orig_bytes", "resp_bytes", "conn_state", "local_orig", "local_resp", "history",
     "orig_pkts", "orig_ip_bytes", "resp_pkts", "resp_ip_bytes"},
    {"time", "string", "addr", "port", "addr", "port", "enum", "string", "interval", "count",
     "count", "string", "bool", "bool", "string", "count", "count", "count", "count"}};

const LogSchema kDns{
    "dns",
    {"ts",  "uid",   "id.orig_h", "id.orig_p",   "id.resp_h", "id.resp_p",  "proto", "trans_id",
     "rtt", "query", "qclass",    "qclass_name", "qtype",     "qtype_name", "rcode", "rcode_name",
     "AA",  "TC",    "RD",        "RA",          "Z",         "answers",    "TTLs",  "rejected"},
    {"time",           "string",           "addr",   "port",  "addr",   "port",  "enum",
     "count",          "interval",         "string", "count", "string", "count", "string",
     "count",          "string",           "bool",   "bool",  "bool",   "bool",  "count",
     "vector[string]", "vector[interval]", "bool"}};

const LogSchema kHttp{
    "http",
    {"ts",
     "uid",
     "id.orig_h",
     "id.orig_p",
     "id.resp_h",
     "id.resp_p",
     "trans_depth",
     "method",
     "host",
     "uri",
     "referrer",
     "user_agent",
     "request_body_len",
     "response_body_len",
     "status_code",
     "status_msg",
     "client_headers",
     "server_headers",
     "orig_mime_types",
     "resp_mime_types"},
    {"time",   "string",         "addr",           "port",           "addr",
     "port",   "count",          "string",         "string",         "string",
     "string", "string",         "count",          "count",          "count",
     "string", "vector[string]", "vector[string]", "vector[string]", "vector[string]"}};

const LogSchema kNotice{
    "notice",
    {"ts", "note", "msg", "sub", "src", "dst", "p", "n", "peer_descr", "actions", "suppress_for"},
    {"time", "enum", "string", "string", "addr", "addr", "port", "count", "string", "set[enum]",
     "interval"}};

const LogSchema* const kAll[] = {&kConn, &kDns, &kHttp, &kNotice};

}  // namespace

const LogSchema* log_schema(std::string_view stream) {
  for (const auto* s : kAll) {
    if (s->path == stream) return s;
  }
  return nullptr;
}

std::vector<std::string> log_streams() {
  std::vector<std::string> out;
  for (const auto* s : kAll)
    out.push_back(s->path);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace bc::node
