#pragma once
// The collector's settings, resolved once from the cluster configuration.

#include <chrono>
#include <map>
#include <string>

#include "collector/restart_policy.h"
#include "config/cluster.h"

namespace bc::collector {

struct CollectorOptions {
  std::string host;                                // BrokerHost: where we run
  std::string query_endpoint;                      // our ROUTER (CollectorPort)
  std::string bus_in;                              // broker XSUB, for our alerts and heartbeat
  std::string bus_out;                             // broker XPUB, everything we fold
  std::map<std::string, std::string> supervisors;  // host -> endpoint
  Duration heartbeat_interval{1000};
  Duration host_timeout{3000};
  Duration comm_timeout{5000};
  Duration start_timeout{30000};
  Duration stats_log_interval{300000};
  Duration cron_interval{300000};
  Duration log_rotation_interval{86400000};
  bool cron_enabled = true;
  bool mail_host_up_down = true;
  bool mail_alarms = true;
  std::string mail_alarm_prefix;
  std::string spool_dir;
  std::string stats_log;
  std::string log_dir;
  int log_expire_days = 30;
  double min_disk_pct = 5;
  std::string trace_summary;
};

CollectorOptions collector_options(const config::Cluster& cluster);

}  // namespace bc::collector
