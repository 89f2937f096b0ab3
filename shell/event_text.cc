#include "shell/event_text.h"

#include <ctime>
#include <sstream>

#include "messages/codec.h"
#include "shell/table.h"

namespace bc::shell {
namespace {

std::string clock_time(std::int64_t us) {
  const std::time_t secs = static_cast<std::time_t>(us / 1'000'000);
  std::tm tm{};
  localtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03d", buf, static_cast<int>((us / 1000) % 1000));
  return out;
}

template <class M>
std::string describe(const M& m);

template <>
std::string describe(const msg::Heartbeat& m) {
  std::ostringstream s;
  s << "hb " << m.env.host << ' ' << m.role << " pid=" << m.pid;
  if (m.role == "supervisor") s << " running=" << m.nodes_running << '/' << m.nodes_total;
  for (const auto& [k, v] : m.counters)
    s << ' ' << k << '=' << v;
  return s.str();
}

template <>
std::string describe(const msg::NodeStateChange& m) {
  std::string line = "node " + m.env.host + "/" + m.node + " " + m.prev_state + " -> " + m.state;
  if (m.pid > 0) line += " pid=" + std::to_string(m.pid);
  if (m.reason) line += " (" + *m.reason + ")";
  return line;
}

template <>
std::string describe(const msg::NodeStats& m) {
  char cpu[32];
  std::snprintf(cpu, sizeof cpu, "%.1f%%", m.cpu_pct);
  return "stats " + m.env.host + "/" + m.node + " cpu=" + cpu + " rss=" + human_bytes(m.rss_bytes) +
         " vsize=" + human_bytes(m.vsize_bytes) + " fds=" + std::to_string(m.fds);
}

template <>
std::string describe(const msg::HostStats& m) {
  char load[32];
  std::snprintf(load, sizeof load, "%.2f", m.load1);
  return "stats " + m.env.host + " load=" + load + " mem_avail=" + human_bytes(m.mem_available);
}

template <>
std::string describe(const msg::CrashReport& m) {
  const std::string how = m.exit_code >= 0 ? "exit code " + std::to_string(m.exit_code)
                                           : "signal " + std::to_string(m.signal);
  return "crash " + m.env.host + "/" + m.node + " " + how + " record=" + m.record_dir;
}

template <>
std::string describe(const msg::Alert& m) {
  return "alert " + m.kind + " [" + m.severity + "] " + m.message;
}

template <>
std::string describe(const msg::LogLine& m) {
  return "log " + m.env.host + " " + m.level + " " + m.component + ": " + m.message;
}

template <class M>
std::string line_for(std::string_view body) {
  auto m = msg::decode<M>(body);
  if (!m.is_ok()) return "(undecodable: " + m.status().message() + ")";
  return clock_time(m->env.ts) + " " + describe(*m);
}

}  // namespace

std::string event_line(std::string_view topic, std::string_view body) {
  auto type = msg::peek_type(body);
  if (!type.is_ok()) return std::string(topic) + " (undecodable: " + type.status().message() + ")";
  if (*type == msg::Heartbeat::kType) return line_for<msg::Heartbeat>(body);
  if (*type == msg::NodeStateChange::kType) return line_for<msg::NodeStateChange>(body);
  if (*type == msg::NodeStats::kType) return line_for<msg::NodeStats>(body);
  if (*type == msg::HostStats::kType) return line_for<msg::HostStats>(body);
  if (*type == msg::CrashReport::kType) return line_for<msg::CrashReport>(body);
  if (*type == msg::Alert::kType) return line_for<msg::Alert>(body);
  if (*type == msg::LogLine::kType) return line_for<msg::LogLine>(body);
  return std::string(topic) + " (unknown type '" + *type + "')";
}

}  // namespace bc::shell
