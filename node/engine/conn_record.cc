#include "node/engine/conn_record.h"

#include "node/engine/log_format.h"

namespace bc::node {
namespace {

std::string locality(const IpAddr& addr, const std::vector<Subnet>& nets) {
  if (nets.empty()) return std::string(tsv::kUnset);
  for (const auto& n : nets) {
    if (n.contains(addr)) return tsv::boolean(true);
  }
  return tsv::boolean(false);
}

}  // namespace

LogRecord make_conn_record(Flow& f, const EngineSettings& settings) {
  const ConnId& id = f.conn_id();
  const std::string unset(tsv::kUnset);
  // Like Zeek: duration and byte counts only when the flow lasted (a lone packet: unset).
  const std::int64_t duration = f.last_us - f.start_us;
  const bool lasted = duration > 0;
  LogRecord r;
  r.stream = "conn";
  r.values = {tsv::time(f.start_us),
              id.uid,
              id.orig_h,
              id.orig_p,
              id.resp_h,
              id.resp_p,
              id.proto,
              f.service.empty() ? unset : f.service,
              lasted ? tsv::interval(duration) : unset,
              lasted ? tsv::count(f.orig.bytes) : unset,
              lasted ? tsv::count(f.resp.bytes) : unset,
              conn_state(f),
              locality(f.orig_h, settings.local_nets),
              locality(f.resp_h, settings.local_nets),
              f.history.empty() ? unset : tsv::escape(f.history),
              tsv::count(f.orig.pkts),
              tsv::count(f.orig.ip_bytes),
              tsv::count(f.resp.pkts),
              tsv::count(f.resp.ip_bytes)};
  return r;
}

}  // namespace bc::node
