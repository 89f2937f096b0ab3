#include "collector/collector_options.h"

#include <cmath>

#include "config/endpoints.h"

namespace bc::collector {
namespace {

Duration seconds(double s) {
  return Duration(static_cast<long>(std::llround(std::max(s, 0.0) * 1000)));
}

Duration option_duration(const config::ClusterConfig& o, std::string_view name) {
  return seconds(o.get_double(name));
}

}  // namespace

CollectorOptions collector_options(const config::Cluster& cluster) {
  const config::ClusterConfig& o = cluster.options;
  CollectorOptions out;
  out.host = o.get("BrokerHost");
  out.query_endpoint = config::collector_endpoint(cluster);
  out.bus_in = config::broker_pub_endpoint(cluster);
  out.bus_out = config::broker_sub_endpoint(cluster);
  for (const auto& host : cluster.hosts())
    out.supervisors[host] = config::supervisor_endpoint(cluster, host);
  out.heartbeat_interval = std::max(option_duration(o, "HeartbeatInterval"), Duration(10));
  out.host_timeout = option_duration(o, "HostTimeout");
  out.comm_timeout = option_duration(o, "CommTimeout");
  out.start_timeout = option_duration(o, "StartTimeout");
  out.stats_log_interval = std::max(option_duration(o, "StatsLogInterval"), Duration(100));
  out.cron_interval = std::max(option_duration(o, "CronInterval"), Duration(100));
  out.log_rotation_interval = seconds(static_cast<double>(o.get_int("LogRotationInterval")));
  out.cron_enabled = o.get_bool("CronEnabled");
  out.mail_host_up_down = o.get_bool("MailHostUpDown");
  out.mail_alarms = o.get_bool("MailAlarms");
  out.mail_alarm_prefix = o.get("MailAlarmPrefix");
  out.spool_dir = o.get("SpoolDir");
  out.stats_log = o.get("StatsLog");
  out.log_dir = o.get("LogDir");
  out.log_expire_days = static_cast<int>(o.get_int("LogExpireInterval"));
  out.min_disk_pct = static_cast<double>(o.get_int("MinDiskSpace"));
  out.trace_summary = o.get("TraceSummary");
  return out;
}

}  // namespace bc::collector
