#include "web/stats_history.h"

#include <cerrno>
#include <cstring>
#include <fstream>

#include "collector/stats_log_reader.h"

namespace bc::web {

// stats.log's own reader (collector/stats_log_reader.h) parses the line; this only picks
// the node and time and shapes the JSON. Numbers are doubles as JSON has them; a column
// without a value ("-") is left out.
bool parse_history_line(std::string_view line, const std::string& node, double since,
                        msg::Value& samples, msg::Value& actions) {
  const auto record = collector::parse_stats_log_line(line);
  if (!record) return false;
  if (const auto* a = std::get_if<collector::StatsLogAction>(&*record)) {
    if (a->node != node || a->time < since) return false;
    actions.push_back(msg::Value::empty_map()
                          .set("t", a->time)
                          .set("action", a->action)
                          .set("detail", a->detail));
    return true;
  }
  const auto& r = std::get<collector::StatsLogSample>(*record);
  if (r.node != node || r.time < since) return false;
  msg::Value v = msg::Value::empty_map();
  v.set("t", r.time)
      .set("cpu", r.sample.cpu_pct)
      .set("rss", static_cast<double>(r.sample.rss))
      .set("vsize", static_cast<double>(r.sample.vsize));
  const auto put = [&](const char* key, auto value) {
    if (value) v.set(key, static_cast<double>(*value));
  };
  put("cpu_user_s", r.sample.cpu_user_s);
  put("cpu_system_s", r.sample.cpu_system_s);
  put("packets_received", r.sample.packets_received);
  put("packets_dropped", r.sample.packets_dropped);
  samples.push_back(std::move(v));
  return true;
}

Result<msg::Value> read_history(const std::string& stats_log, const std::string& node,
                                double since) {
  msg::Value samples = msg::Value::empty_array();
  msg::Value actions = msg::Value::empty_array();
  std::ifstream in(stats_log, std::ios::binary);
  if (in) {
    in.seekg(0, std::ios::end);
    const std::streamoff size = in.tellg();
    const std::streamoff from =
        size > static_cast<std::streamoff>(kMaxHistoryBytes) ? size - kMaxHistoryBytes : 0;
    in.seekg(from);
    std::string line;
    if (from > 0) std::getline(in, line);  // a partial line
    while (std::getline(in, line))
      parse_history_line(line, node, since, samples, actions);
  } else if (errno != ENOENT) {
    return Status::io_error("cannot read " + stats_log + ": " + std::strerror(errno));
  }
  msg::Value out = msg::Value::empty_map();
  out.set("node", node).set("since", since).set("samples", std::move(samples));
  out.set("actions", std::move(actions));
  return out;
}

}  // namespace bc::web
