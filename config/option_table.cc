#include "config/option_table.h"

#include <array>

#include "config/text_util.h"

namespace bc::config {
namespace {

using enum OptionType;
using enum OptionCategory;

// Names, types and defaults of kUser and kInternal rows are the manual's "Option
// Reference" verbatim, except where docs/CONFIG.md ("Decisions") says otherwise
// (ClusterCfg, MailTo, HaveBroccoli). BroCluster's own port defaults stay below 9991 and
// outside both the Linux ephemeral range 32768-60999 and 27759-27770, where ZeekPort and
// MetricsPort hand out Zeek's ports (a unit test pins this).
constexpr std::array kOptions = {
    // --- The manual's user options.
    OptionSpec{"AuxScriptsManager", kString, "", kUser,
               "Additional Bro scripts loaded on the manager, separated by spaces."},
    OptionSpec{"AuxScriptsStandalone", kString, "", kUser,
               "Additional Bro scripts loaded on a standalone Bro, separated by spaces."},
    OptionSpec{"AuxScriptsWorker", kString, "", kUser,
               "Additional Bro scripts loaded on the workers, separated by spaces."},
    OptionSpec{"BroArgs", kString, "", kUser,
               "Additional arguments to pass to Bro on the command-line."},
    OptionSpec{"CFlowAddr", kString, "", kUser,
               "If a cFlow load-balancer is used, the address of the device (format: "
               "<ip>:<port>)."},
    OptionSpec{"CFlowPassword", kString, "", kUser,
               "If a cFlow load-balancer is used, the password for accessing its "
               "configuration interface."},
    OptionSpec{"CFlowUser", kString, "", kUser,
               "If a cFlow load-balancer is used, the user name for accessing its "
               "configuration interface."},
    OptionSpec{"CustomInstallBin", kString, "", kUser,
               "Additional executables to be installed into ${BinDir}, including full path "
               "and separated by spaces."},
    OptionSpec{"Debug", kBool, "0", kUser, "Enable extensive debugging output in spool/debug.log."},
    OptionSpec{"HaveNFS", kBool, "0", kUser,
               "True if shared files are mounted across all nodes via NFS."},
    OptionSpec{"LogDir", kString, "${BroBase}/logs", kUser, "Directory for archived log files."},
    OptionSpec{"LogExpireInterval", kInt, "30", kUser, "Number of days log files are kept."},
    OptionSpec{"MailAlarmPrefix", kString, "ALERT:", kUser,
               "Subject prefix for individual alerts triggered by NOTICE_EMAIL."},
    OptionSpec{"MailAlarms", kBool, "1", kUser,
               "True if Bro should send mails for NOTICE_EMAIL alerts."},
    OptionSpec{"MailFrom", kString, "Big Brother <bro@localhost>", kUser,
               "Originator address for cluster-generated mails."},
    OptionSpec{"MailReplyTo", kString, "", kUser, "Reply-to address for cluster-generated mails."},
    OptionSpec{"MailSubjectPrefix", kString, "[Bro]", kUser,
               "General Subject prefix for cluster-generated mails."},
    OptionSpec{"MailTo", kString, "root@localhost", kUser,
               "Destination address for cluster-generated mails."},
    OptionSpec{"MinDiskSpace", kInt, "5", kUser,
               "Percentage of minimum disk space available before warning is mailed."},
    OptionSpec{"Prefixes", kString, "local", kUser,
               "Additional script prefixes for Bro, separated by colons. Use this instead of "
               "@prefix."},
    OptionSpec{"SaveTraces", kBool, "0", kUser,
               "True to let backends capture short-term traces via -w. These are not "
               "archived but might be helpful for debugging."},
    OptionSpec{"SendMail", kBool, "1", kUser, "True if shell may send mails."},
    OptionSpec{"SitePolicyManager", kString, "local-manager.bro", kUser,
               "Local policy file for manager."},
    OptionSpec{"SitePolicyPath", kString, "${BroBase}/policy/local", kUser,
               "Directories to search for local policy files, separated by colons."},
    OptionSpec{"SitePolicyStandalone", kString, "local.bro", kUser,
               "Local policy file for standalone Bro."},
    OptionSpec{"SitePolicyWorker", kString, "local-worker.bro", kUser,
               "Local policy file for workers."},
    OptionSpec{"TimeFmt", kString, "%d %b %H:%M:%S", kUser,
               "Format string to print date/time specifications (see man strftime)."},
    // --- The manual's internal options.
    OptionSpec{"AnalysisCfg", kString, "${CfgDir}/analysis.dat", kInternal,
               "Configuration file defining types of analysis which can be toggled "
               "on-the-fly."},
    OptionSpec{"BinDir", kString, "${BroBase}/bin", kInternal, "Directory for executables."},
    OptionSpec{"BroBase", kString, "", kInternal,
               "Base path of cluster installation on all nodes (preset from --base)."},
    OptionSpec{"Capstats", kString, "", kInternal,
               "Path to capstats binary; empty if not available."},
    OptionSpec{"CfgDir", kString, "${BroBase}/etc", kInternal,
               "Directory for configuration files."},
    OptionSpec{"ClusterCfg", kString, "${CfgDir}/cluster.cfg", kInternal,
               "Primary cluster configuration file."},
    OptionSpec{"DebugLog", kString, "${SpoolDir}/debug.log", kInternal,
               "Log file for debugging information."},
    OptionSpec{"DistDir", kString, "", kInternal, "Path to Bro distribution directory."},
    OptionSpec{"HaveBroccoli", kBool, "0", kInternal, "True if Broccoli interface is available."},
    OptionSpec{"HelperDir", kString, "${BroBase}/bin/cluster-helper", kInternal,
               "Directory for cluster helper scripts."},
    OptionSpec{"KeysDir", kString, "${CfgDir}/keys", kInternal,
               "Directory of the public key lists per role (supervisor, admin, monitor); "
               "distributed by install."},
    OptionSpec{"LibDir", kString, "${BroBase}/lib", kInternal, "Directory for library files."},
    OptionSpec{"LocalNetsCfg", kString, "${CfgDir}/networks.cfg", kInternal,
               "File defining the local networks."},
    OptionSpec{"LockFile", kString, "${SpoolDir}/lock", kInternal,
               "Lock file preventing concurrent shell operations."},
    OptionSpec{"NodeCfg", kString, "${CfgDir}/node.cfg", kInternal, "Node configuration file."},
    OptionSpec{"OS", kString, "", kInternal,
               "Name of operating system as reported by uname (preset at load)."},
    OptionSpec{"PolicyDir", kString, "${BroBase}/policy", kInternal,
               "Directory for standard policy files."},
    OptionSpec{"Scripts-Manager", kString, "cluster-manager", kInternal,
               "Bro scripts loaded on the manager, separated by spaces."},
    OptionSpec{"Scripts-Proxy", kString, "cluster-proxy", kInternal,
               "Bro scripts loaded on the proxies, separated by spaces."},
    OptionSpec{"Scripts-Standalone", kString, "standalone", kInternal,
               "Bro scripts loaded on a standalone Bro, separated by spaces."},
    OptionSpec{"Scripts-Worker", kString, "cluster-worker", kInternal,
               "Bro scripts loaded on the workers, separated by spaces."},
    OptionSpec{"SecretKeyDir", kString, "${BroBase}/etc/keys/secret", kInternal,
               "Directory of this host's secret key files (mode 0700; never installed)."},
    OptionSpec{"SpoolDir", kString, "${BroBase}/spool", kInternal, "Directory for run-time data."},
    OptionSpec{"StandAlone", kBool, "0", kInternal,
               "True if running in stand-alone mode (derived from node.cfg at load)."},
    OptionSpec{"StateFile", kString, "${SpoolDir}/cluster.dat", kInternal,
               "File storing the current cluster state."},
    OptionSpec{"StatsLog", kString, "${SpoolDir}/stats.log", kInternal, "Log file for statistics."},
    OptionSpec{"Time", kString, "", kInternal, "Path to time binary."},
    OptionSpec{"TmpDir", kString, "${SpoolDir}/tmp", kInternal, "Directory for temporary data."},
    OptionSpec{"TmpExecDir", kString, "${SpoolDir}/tmp", kInternal,
               "Directory where binaries are copied before execution."},
    OptionSpec{"TraceSummary", kString, "", kInternal,
               "Path to trace-summary script; empty if not available."},
    OptionSpec{"Version", kString, "", kInternal, "Version of the cluster shell (preset at load)."},
    // --- Added by BroCluster: bus endpoints.
    OptionSpec{"BrokerPubPort", kInt, "7760", kDesign,
               "Broker XSUB port on BrokerHost; supervisors' PUB sockets connect here."},
    OptionSpec{"BrokerSubPort", kInt, "7761", kDesign,
               "Broker XPUB port on BrokerHost; shell, collector and monitors SUB here."},
    OptionSpec{"SupervisorPort", kInt, "7762", kDesign,
               "Supervisor command port (ROUTER), bound on every host."},
    OptionSpec{"CollectorPort", kInt, "7763", kDesign,
               "Collector query port (ROUTER) on BrokerHost."},
    OptionSpec{"WebAddress", kString, "127.0.0.1", kDesign,
               "Address brocluster-web listens on (HTTP); exposing it beyond loopback is a "
               "deliberate setting."},
    OptionSpec{"WebPort", kInt, "7764", kDesign,
               "brocluster-web's HTTP port on BrokerHost (/metrics, /services.json, /api/v1)."},
    OptionSpec{"BrokerHost", kString, "", kDesign,
               "Host running broker and collector; empty = the host of the manager (or "
               "standalone) node, filled in at load."},
    OptionSpec{"BindAddress", kString, "", kDesign,
               "Address daemons bind to; empty = the address node.cfg gives the daemon's "
               "host (loopback for a standalone localhost)."},
    OptionSpec{"StartLocalDaemons", kBool, "1", kDesign,
               "When every host of node.cfg is this machine (standalone or one-box), the "
               "shell starts the missing broker, supervisor and collector itself; 0 leaves "
               "them to systemd or `brocluster daemons`."},
    // --- Security (docs/SECURITY.md).
    OptionSpec{"BusSecurity", kString, "curve", kDesign,
               "curve: every TCP socket of the bus is authenticated and encrypted with "
               "ZeroMQ CURVE, keys from KeysDir; plain: no authentication or encryption, for "
               "a closed test network only (the shell warns at every start)."},
    OptionSpec{"ReplayWindow", kDouble, "60", kDesign,
               "Seconds a request's timestamp may differ from the server's clock; a "
               "request is accepted once within it."},
    // --- Node program and mail.
    OptionSpec{"NodeProgram", kString, "${BinDir}/brocluster-node", kDesign,
               "Program run for every node unless node.cfg gives program=."},
    // --- Node profiles (docs/ZEEK.md).
    OptionSpec{"NodeProfile", kString, "brocluster", kDesign,
               "How nodes are started and watched unless node.cfg gives profile=: brocluster "
               "(our node program's contract) or zeek (Zeek run as zeekctl runs it)."},
    OptionSpec{"ZeekPath", kString, "zeek", kDesign,
               "The Zeek binary for nodes of profile zeek unless node.cfg gives program=; a "
               "bare name is looked up in PATH."},
    OptionSpec{"SitePolicyScripts", kString, "local.zeek", kDesign,
               "Site policy scripts every node of profile zeek loads, separated by spaces "
               "(zeekctl's SitePolicyScripts)."},
    OptionSpec{"ClusterBackend", kString, "ZeroMQ", kDesign,
               "Zeek's cluster backend, ZeroMQ or Broker; its script is loaded first on Zeek "
               "8.2 and later (zeekctl's ClusterBackend)."},
    OptionSpec{"NodePortBase", kInt, "7770", kDesign,
               "First TCP port of the reference node's cluster links: the logger (else the "
               "manager) binds it, the i-th proxy NodePortBase+i."},
    OptionSpec{"LogBufferMaxDisk", kInt, "256", kDesign,
               "MiB of log batches a reference worker or proxy spills to its spool dir while "
               "the logger/manager does not acknowledge them (16 MiB are kept in memory "
               "first); past it records are dropped and counted."},
    OptionSpec{"SendMailCommand", kString, "/usr/sbin/sendmail -t", kDesign,
               "Command that receives a complete mail (headers included) on stdin."},
    OptionSpec{"env_vars", kString, "", kDesign,
               "Environment for every node, \"K=V, K2=V2\"; node.cfg env_vars override "
               "per key."},
    // --- Timeouts and intervals (seconds).
    OptionSpec{"StopTimeout", kDouble, "10", kDesign,
               "Seconds between SIGTERM and SIGKILL when stopping a node."},
    OptionSpec{"CommTimeout", kDouble, "5", kDesign,
               "Seconds a client waits for a reply before reporting a host unreachable."},
    OptionSpec{"LockTimeout", kDouble, "30", kDesign,
               "Seconds a command that changes the cluster (install, deploy, start, stop, "
               "restart, update, cleanup) waits for another shell's LockFile before giving up; "
               "a holder stopped (SIGSTOP) past it loses the lock."},
    OptionSpec{"StartTimeout", kDouble, "30", kDesign,
               "Seconds a starting node has to report ready."},
    OptionSpec{"ReadyGraceTime", kDouble, "1", kDesign,
               "Seconds a node program without control endpoint must stay up to count as "
               "running."},
    OptionSpec{"HeartbeatInterval", kDouble, "1", kDesign,
               "Seconds between heartbeats of every daemon."},
    OptionSpec{"HostTimeout", kDouble, "3", kDesign,
               "Seconds without heartbeat after which a host counts as dead."},
    OptionSpec{"StatsInterval", kDouble, "10", kDesign,
               "Seconds between /proc samples of every node (stats events)."},
    OptionSpec{"StatsLogInterval", kDouble, "300", kDesign,
               "Seconds between lines written to stats.log per node."},
    // --- Restart policy of the collector.
    OptionSpec{"RestartPolicy", kString, "always", kDesign,
               "When a crashed node is restarted: always, on-failure (not after exit code 0) "
               "or never."},
    OptionSpec{"RestartBackoffInitial", kDouble, "0", kDesign,
               "Delay in seconds before the first restart of a crashed node (0 = "
               "immediately)."},
    OptionSpec{"RestartBackoffFactor", kDouble, "2", kDesign,
               "Each further restart waits this factor longer."},
    OptionSpec{"RestartBackoffMax", kDouble, "60", kDesign,
               "Upper bound in seconds of the restart delay."},
    OptionSpec{"RestartBackoffJitter", kDouble, "0.1", kDesign,
               "Random +/- fraction applied to every restart delay."},
    OptionSpec{"RestartStableTime", kDouble, "60", kDesign,
               "Seconds a node must run to reset its backoff."},
    OptionSpec{"RestartStormCount", kInt, "5", kDesign,
               "The crash that makes this many within RestartStormWindow marks the node "
               "failed (no more restarts)."},
    OptionSpec{"RestartStormWindow", kDouble, "60", kDesign,
               "Window in seconds for RestartStormCount."},
    // --- Resources and maintenance.
    OptionSpec{"MemLimit", kInt, "0", kDesign,
               "Address-space limit per node process in MiB; 0 = unlimited."},
    OptionSpec{"CrashCoreMaxSize", kInt, "512", kDesign,
               "Largest core file in MiB moved into a crash record; a larger one is deleted "
               "and the record says so; 0 = keep no core."},
    OptionSpec{"LogRotationInterval", kInt, "86400", kDesign,
               "Seconds between log rotations (archival of the manager's logs)."},
    OptionSpec{"CompressLogs", kBool, "1", kDesign, "True to gzip archived logs."},
    OptionSpec{"CronEnabled", kBool, "1", kDesign,
               "True to let the collector run the cron maintenance tasks itself."},
    OptionSpec{"CronInterval", kDouble, "300", kDesign,
               "Seconds between cron maintenance runs of the collector."},
    OptionSpec{"MailHostUpDown", kBool, "1", kDesign,
               "True to mail when a host stops or resumes sending heartbeats."},
    // --- Ports of Zeek nodes (profile zeek; docs/ZEEK.md). zeekctl's names and defaults.
    OptionSpec{"ZeekPort", kInt, "27760", kDesign,
               "First TCP port handed out to Zeek nodes, one each in zeekctl's order "
               "(control, manager, loggers, proxies, workers; ZeroMQ takes two first on Zeek "
               ">= 8.1)."},
    OptionSpec{"MetricsPort", kInt, "9991", kDesign,
               "First Prometheus metrics port of Zeek nodes (Zeek >= 7.0), one each, manager "
               "first; 0 = no metrics ports."},
    OptionSpec{"MetricsAddress", kString, "127.0.0.1", kDesign,
               "Address Zeek nodes bind their metrics port to; empty = Zeek's own default (all "
               "addresses)."},
    OptionSpec{"ZeekControlPort", kInt, "27759", kDesign,
               "Port of the WebSocket listener (Zeek >= 8.0) of the manager or standalone "
               "node that carries print, netstats and peerstatus (zeekctl's WebSocketPort); "
               "0 = no listener."},
    OptionSpec{"ZeekControlAddress", kString, "127.0.0.1", kDesign,
               "Numeric address the ZeekControlPort listener binds to (zeekctl's "
               "WebSocketHost); supervisors connect to it."},
};

}  // namespace

std::span<const OptionSpec> option_table() {
  return kOptions;
}

const OptionSpec* find_option(std::string_view name) {
  for (const OptionSpec& spec : kOptions) {
    if (detail::iequal(spec.name, name)) return &spec;
  }
  return nullptr;
}

std::string_view option_type_name(OptionType type) {
  switch (type) {
    case kString:
      return "string";
    case kInt:
      return "int";
    case kBool:
      return "bool";
    case kDouble:
      return "double";
  }
  return "string";
}

}  // namespace bc::config
