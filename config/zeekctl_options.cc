#include "config/zeekctl_options.h"

#include <array>

#include "common/strings.h"
#include "config/cluster_config.h"

namespace bc::config {
namespace {

using enum ZeekctlType;

// Read from zeekctl's ZeekControl/options.py (every option, user and automatic, in its
// order). Notes are shown to the user by import-zeekctl.
constexpr std::array kZeekctl = {
    ZeekctlOption{"Debug", kBool, "0", "Debug", ""},
    ZeekctlOption{"HaveNFS", kBool, "0", "",
                  "BroCluster never copies the Zeek binary to TmpExecDir; install sends the "
                  "configuration to each host over the bus"},
    ZeekctlOption{"ClusterBackend", kString, "ZeroMQ", "ClusterBackend", ""},
    ZeekctlOption{"SaveTraces", kBool, "0", "SaveTraces", ""},
    ZeekctlOption{"StopTimeout", kInt, "60", "StopTimeout", "", true},
    ZeekctlOption{"CommTimeout", kInt, "10", "CommTimeout", "", true},
    ZeekctlOption{"ControlTopic", kString, "zeek/control", "",
                  "control requests use Zeek's own Control topics over its WebSocket API, with "
                  "one reply topic per request"},
    ZeekctlOption{"CommandTimeout", kInt, "60", "",
                  "every request has its own deadline (CommTimeout, StartTimeout, StopTimeout)"},
    ZeekctlOption{"ZeekPort", kInt, "27760", "ZeekPort", "", false, "BroPort"},
    ZeekctlOption{"MetricsAddress", kString, "127.0.0.1", "MetricsAddress", ""},
    ZeekctlOption{"MetricsPort", kInt, "9991", "MetricsPort", ""},
    ZeekctlOption{"LogRotationInterval", kInt, "3600", "LogRotationInterval", "", true},
    ZeekctlOption{"LogDir", kString, "${ZeekBase}/logs", "LogDir",
                  "the archive stays where zeekctl kept it", true},
    ZeekctlOption{"MakeArchiveName", kString, "${ZeekBase}/share/zeekctl/scripts/make-archive-name",
                  "", "the collector names archived logs itself (docs/CONFIG.md, log archive)"},
    ZeekctlOption{"CompressLogs", kBool, "1", "CompressLogs", ""},
    ZeekctlOption{"CompressLogsInFlight", kInt, "0", "",
                  "write 'redef LogAscii::gzip_level = <level>;' in your local.zeek"},
    ZeekctlOption{"CompressCmd", kString, "gzip", "", "archived logs are always gzipped"},
    ZeekctlOption{"CompressExtension", kString, "gz", "", "archived logs are always .gz"},
    ZeekctlOption{"PrivateAddressSpaceIsLocal", kBool, "1", "",
                  "Zeek's default is 1; for 0 write 'redef "
                  "Site::private_address_space_is_local = F;' in your local.zeek"},
    ZeekctlOption{"SendMail", kString, "/usr/sbin/sendmail", "SendMailCommand",
                  "'<path> -t' as SendMailCommand; empty becomes SendMail = 0"},
    ZeekctlOption{"MailSubjectPrefix", kString, "[Zeek]", "MailSubjectPrefix", "", true},
    ZeekctlOption{"MailReplyTo", kString, "", "MailReplyTo", ""},
    ZeekctlOption{"MailTo", kString, "<user>", "MailTo", ""},
    ZeekctlOption{"MailFrom", kString, "Zeek <zeek@localhost>", "MailFrom", "", true},
    ZeekctlOption{"MailAlarmsTo", kString, "${MailTo}", "",
                  "alarm summaries go to MailTo; for another address redef "
                  "Notice::mail_dest_pretty_printed in your local.zeek"},
    ZeekctlOption{"MailAlarmsInterval", kInt, "86400", "",
                  "alarm summaries are mailed at each log rotation"},
    ZeekctlOption{"MailConnectionSummary", kBool, "1", "",
                  "the traffic summary is mailed when TraceSummary names a program (set "
                  "TraceSummary = ${BroBase}/bin/brocluster-trace-summary)"},
    ZeekctlOption{"MailHostUpDown", kBool, "1", "MailHostUpDown", ""},
    ZeekctlOption{"MailArchiveLogFail", kBool, "1", "",
                  "a failed archival is reported by the collector's log and cron"},
    ZeekctlOption{"MailReceivingPackets", kBool, "1", "",
                  "no such mail; netstats and stats.log show the packet counts"},
    ZeekctlOption{"MinDiskSpace", kInt, "5", "MinDiskSpace", ""},
    ZeekctlOption{"StatsLogEnable", kBool, "1", "",
                  "stats.log is always written, every StatsLogInterval seconds"},
    ZeekctlOption{"StatsLogExpireInterval", kInt, "0", "",
                  "stats.log lines expire with LogExpireInterval"},
    ZeekctlOption{"CrashExpireInterval", kInt, "0", "",
                  "crash records are kept until cleanup --all"},
    ZeekctlOption{"LogExpireInterval", kString, "0", "LogExpireInterval",
                  "converted to whole days, rounded up; 0 = never", true},
    ZeekctlOption{"KeepLogs", kString, "", "",
                  "expiry removes every archived log older than LogExpireInterval"},
    ZeekctlOption{"ZeekArgs", kString, "", "BroArgs", "", false, "BroArgs"},
    ZeekctlOption{"MemLimit", kString, "unlimited", "MemLimit",
                  "KiB converted to MiB, rounded up; unlimited = 0"},
    ZeekctlOption{"Env_Vars", kString, "", "env_vars", ""},
    ZeekctlOption{"TimeFmt", kString, "%d %b %H:%M:%S", "TimeFmt", ""},
    ZeekctlOption{"Prefixes", kString, "local", "Prefixes", ""},
    ZeekctlOption{"SitePolicyScripts", kString, "local.zeek", "SitePolicyScripts", ""},
    ZeekctlOption{"StatusCmdShowAll", kBool, "0", "",
                  "status always shows the peers of the last stats sample"},
    ZeekctlOption{"StopWait", kBool, "0", "",
                  "there is no post-terminate script: the supervisor makes the crash record"},
    ZeekctlOption{"CronCmd", kString, "", "",
                  "run your command from your own cron job after 'brocluster cron'"},
    ZeekctlOption{"PFRINGClusterID", kInt, "21", "",
                  "used by the import for the env_vars of lb_method=pf_ring workers"},
    ZeekctlOption{"PFRINGClusterType", kString, "4-tuple", "",
                  "used by the import for the env_vars of lb_method=pf_ring workers"},
    ZeekctlOption{"PFRINGFirstAppInstance", kInt, "0", "",
                  "ZC/DNA application instances are per process; write each worker's "
                  "interface (zc:<if>@<n>) in node.cfg yourself"},
    ZeekctlOption{"PcapSnaplen", kInt, "9216", "",
                  "write 'redef Pcap::snaplen = <n>;' in your local.zeek"},
    ZeekctlOption{"PcapBufsize", kInt, "128", "",
                  "write 'redef Pcap::bufsize = <n>;' in your local.zeek"},
    ZeekctlOption{"TimeMachineHost", kString, "", "", "Zeek 7.1 removed the time machine"},
    ZeekctlOption{"TimeMachinePort", kString, "47757/tcp", "", "Zeek 7.1 removed the time machine"},
    ZeekctlOption{"UseWebSocket", kBool, "1", "",
                  "print, netstats and peerstatus always use Zeek's WebSocket API (Zeek >= 8.0)"},
    ZeekctlOption{"WebSocketHost", kString, "127.0.0.1", "",
                  "the manager's WebSocket listener is 127.0.0.1:27759, zeekctl's default"},
    ZeekctlOption{"WebSocketPort", kInt, "27759", "",
                  "the manager's WebSocket listener is 127.0.0.1:27759, zeekctl's default"},
    ZeekctlOption{"WebSocketUrl", kString, "", "",
                  "the supervisor of the manager's host connects to the listener itself"},
    ZeekctlOption{"WebSocketTimeout", kInt, "10", "", "requests use CommTimeout"},
    // Set by zeekctl itself.
    ZeekctlOption{"ZeekBase", kString, "", "",
                  "zeekctl's prefix: the import takes Zeek's binary and site dir from it "
                  "(ZeekPath, SitePolicyPath)",
                  false, "BroBase"},
    ZeekctlOption{"Version", kString, "", "", "set by zeekctl itself"},
    ZeekctlOption{"StandAlone", kBool, "0", "", "set from node.cfg"},
    ZeekctlOption{"OS", kString, "", "", "set by zeekctl itself"},
    ZeekctlOption{"Time", kString, "", "", "set by zeekctl itself"},
    ZeekctlOption{"LogExpireMinutes", kInt, "0", "", "set by zeekctl from LogExpireInterval"},
    ZeekctlOption{"BinDir", kString, "${ZeekBase}/bin", "",
                  "our BinDir holds BroCluster's programs; the import takes Zeek's binary from "
                  "it (ZeekPath)"},
    ZeekctlOption{"Zeek", kString, "${BinDir}/zeek", "ZeekPath", "", true, "Bro"},
    ZeekctlOption{"ScriptsDir", kString, "${ZeekBase}/share/zeekctl/scripts", "",
                  "zeekctl's own scripts, not used"},
    ZeekctlOption{"PostProcDir", kString, "${ZeekBase}/share/zeekctl/scripts/postprocessors", "",
                  "zeekctl's own scripts, not used"},
    ZeekctlOption{"HelperDir", kString, "${ZeekBase}/share/zeekctl/scripts/helpers", "",
                  "zeekctl's own scripts, not used"},
    ZeekctlOption{"CfgDir", kString, "${ZeekBase}/etc", "",
                  "ours is <BroBase>/etc, where the import writes"},
    ZeekctlOption{"SpoolDir", kString, "${ZeekBase}/spool", "",
                  "BroCluster keeps its own spool (<BroBase>/spool), so zeekctl's state stays "
                  "intact for a way back (docs/DECISIONS.md)"},
    ZeekctlOption{"BrokerDBDir", kString, "${ZeekBase}/spool/brokerstore", "",
                  "write 'redef Broker::table_store_db_directory = \"<dir>\";' in your "
                  "local.zeek"},
    ZeekctlOption{"FileExtractDir", kString, "${SpoolDir}/extract_files", "",
                  "write 'redef FileExtract::prefix = \"<dir>\";' in your local.zeek"},
    ZeekctlOption{"PolicyDir", kString, "${ZeekScriptDir}", "",
                  "Zeek's own scripts are found from its binary's prefix (ZEEKPATH)"},
    ZeekctlOption{"StaticDir", kString, "${ZeekBase}/share/zeekctl", "",
                  "zeekctl's own files, not used"},
    ZeekctlOption{"LibDir", kString, "", "", "zeekctl's own files, not used"},
    ZeekctlOption{"LibDir64", kString, "${ZeekBase}/lib64", "", "zeekctl's own files, not used"},
    ZeekctlOption{"LibDirInternal", kString, "", "", "zeekctl's own files, not used"},
    ZeekctlOption{"TmpDir", kString, "${SpoolDir}/tmp", "", "ours is <SpoolDir>/tmp"},
    ZeekctlOption{"TmpExecDir", kString, "${SpoolDir}/tmp", "",
                  "the Zeek binary is never copied (HaveNFS)"},
    ZeekctlOption{"StatsDir", kString, "${LogDir}/stats", "",
                  "stats.log is <SpoolDir>/stats.log (StatsLog)"},
    ZeekctlOption{"PluginDir", kString, "${LibDirInternal}/zeekctl/plugins", "",
                  "zeekctl plugins do not run under BroCluster"},
    ZeekctlOption{"PluginZeekDir", kString, "${LibDir}/zeek/plugins", "",
                  "zeekctl plugins do not run under BroCluster; Zeek finds its own plugins", false,
                  "PluginBroDir"},
    ZeekctlOption{"TraceSummary", kString, "${bindir}/trace-summary", "",
                  "our TraceSummary names BroCluster's summary program (set TraceSummary = "
                  "${BroBase}/bin/brocluster-trace-summary)"},
    ZeekctlOption{"CapstatsPath", kString, "${bindir}/capstats", "Capstats", ""},
    ZeekctlOption{"NodeCfg", kString, "${CfgDir}/node.cfg", "",
                  "read from the directory given to the import"},
    ZeekctlOption{"LocalNetsCfg", kString, "${CfgDir}/networks.cfg", "",
                  "read from the directory given to the import"},
    ZeekctlOption{"StateFile", kString, "${SpoolDir}/state.db", "",
                  "BroCluster keeps its own state"},
    ZeekctlOption{"LockFile", kString, "${SpoolDir}/lock", "", "BroCluster has its own LockFile"},
    ZeekctlOption{"DebugLog", kString, "${SpoolDir}/debug.log", "",
                  "BroCluster's daemons log under SpoolDir"},
    ZeekctlOption{"StatsLog", kString, "${SpoolDir}/stats.log", "", "ours is <SpoolDir>/stats.log"},
    ZeekctlOption{"DefaultStoreDir", kString, "${SpoolDir}/stores", "",
                  "write 'redef Storage::default_dir = \"<dir>\";' (or your store's own option) "
                  "in your local.zeek"},
    ZeekctlOption{"SitePolicyPath", kString, "${PolicyDir}/site", "SitePolicyPath", "", true},
    ZeekctlOption{"SitePluginPath", kString, "", "", "zeekctl plugins do not run under BroCluster"},
    ZeekctlOption{"PolicyDirSiteInstall", kString,
                  "${SpoolDir}/installed-scripts-do-not-touch/site", "",
                  "install puts the site scripts into its snapshot (docs/INSTALL.md)"},
    ZeekctlOption{"PolicyDirSiteInstallAuto", kString,
                  "${SpoolDir}/installed-scripts-do-not-touch/auto", "",
                  "install puts the generated scripts into its snapshot's auto/"},
    ZeekctlOption{"ZeekCtlConfigDir", kString, "${SpoolDir}", "", "zeekctl's own file", false,
                  "BroCtlConfigDir"},
    ZeekctlOption{"ClusterTopicSeparator", kString, "", "", "set by zeekctl's backend plugins"},
};

}  // namespace

std::span<const ZeekctlOption> zeekctl_options() {
  return kZeekctl;
}

const ZeekctlOption* find_zeekctl_option(std::string_view name) {
  for (const ZeekctlOption& o : kZeekctl) {
    if (iequals(o.name, name)) return &o;
  }
  return nullptr;
}

const ZeekctlOption* find_zeekctl_legacy(std::string_view name) {
  for (const ZeekctlOption& o : kZeekctl) {
    if (!o.legacy_name.empty() && iequals(o.legacy_name, name)) return &o;
  }
  return nullptr;
}

std::optional<std::string> normalise_zeekctl_value(ZeekctlType type, std::string_view value) {
  switch (type) {
    case kString:
      return std::string(value);
    case kBool:
      if (iequals(value, "1") || iequals(value, "true")) return "1";
      if (iequals(value, "0") || iequals(value, "false")) return "0";
      return std::nullopt;
    case kInt: {
      std::int64_t n = 0;
      if (!parse_int(value, &n)) return std::nullopt;
      return std::to_string(n);
    }
  }
  return std::nullopt;
}

}  // namespace bc::config
