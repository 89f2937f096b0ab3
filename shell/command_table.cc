#include <array>

#include "common/strings.h"
#include "shell/command.h"
#include "shell/commands/handlers.h"

namespace bc::shell {
namespace {

// Sorted by name: `help` prints in this order. Descriptions follow the BroCluster manual.
constexpr std::array kCommands = {
    CommandSpec{"analysis", "analysis [enable|disable <type>]",
                "Lists, enables or disables kinds of analysis (applied by update).",
                "Enables or disables kinds of analysis without changing scripts (dns, ftp,\n"
                "http-body, http-request, http-reply, http-header, scan, smtp). Without\n"
                "arguments it lists them. Changes take effect after install and update; no\n"
                "restart is needed.",
                &cmd_analysis, false},
    CommandSpec{"attachgdb", "attachgdb [<nodes>]", "Attaches gdb to the nodes' main process.",
                "Primarily for debugging: attaches an interactive gdb to the main process of\n"
                "each given node on the local host; for a remote host it prints a full\n"
                "backtrace of all threads.",
                &cmd_attachgdb, true},
    CommandSpec{"capstats", "capstats [<nodes>] [<interval>]",
                "Reports the load on the workers' interfaces.",
                "Determines the current load on the network interfaces monitored by each of\n"
                "the given worker nodes, measured over <interval> seconds (default 10).",
                &cmd_capstats, true},
    CommandSpec{"check", "check [<nodes>]", "Checks the edited configuration for errors.",
                "Verifies a modified configuration in terms of syntactical correctness (most\n"
                "importantly correct policy script syntax), using the files as found in\n"
                "SitePolicyPath. Works without a former install; run it before install.\n"
                "Nodes of profile zeek are checked by Zeek itself (zeek -a, once per node\n"
                "type, on the configuration as install would install it).",
                &cmd_check, true},
    CommandSpec{"cleanup", "cleanup [--all] [<nodes>]", "Removes the nodes' spool directories.",
                "Removes the spool directories of nodes that are not running, flushing their\n"
                "persistent state; crashed nodes are reset to stopped. With --all also\n"
                "removes the content of TmpDir, including data kept from earlier crashes.",
                &cmd_cleanup, true},
    CommandSpec{"config", "config", "Prints all configuration options with their values.",
                "Prints every configuration option of etc/cluster.cfg with its current value,\n"
                "defaults included, sorted by name. With --json prints one JSON object.",
                &cmd_config, false},
    CommandSpec{"cron", "cron [enable|disable|?]", "Runs the periodic maintenance.",
                "Performs the maintenance tasks: logs statistics, expires old logs, checks\n"
                "for dead hosts and low disk space, and restarts nodes that terminated\n"
                "unexpectedly. The collector runs it on its own schedule; running it by hand\n"
                "does no harm. 'cron disable' stops the scheduled runs, 'cron ?' shows the\n"
                "current setting.",
                &cmd_cron, true},
    CommandSpec{"daemons", "daemons [start|stop|restart|status]",
                "Starts, stops or reports this machine's daemons.",
                "Manages the daemons of this machine: its supervisor, and the broker and the\n"
                "collector where BrokerHost is this machine. 'status' (the default) lists\n"
                "each with its pid, endpoint and whether it answers; 'start' starts those\n"
                "not running; 'stop' ends them, while the nodes keep running (a new\n"
                "supervisor takes them over); 'stop --with-nodes' stops this host's nodes\n"
                "first; 'restart' does stop and start. '--host <name>' names this machine's\n"
                "node.cfg host when several are this machine. For a standalone or one-box\n"
                "cluster the shell starts the daemons itself when a command needs them.",
                &cmd_daemons, false},
    CommandSpec{"deploy", "deploy", "Checks, installs and restarts, stopping at a failure.",
                "Runs check, install and restart in turn, stopping at the first failure.",
                &cmd_deploy, false},
    CommandSpec{"df", "df [<nodes>]", "Reports free disk space on the nodes' hosts.",
                "Reports the amount of disk space available on the hosts of the given nodes,\n"
                "for the paths relevant to the cluster installation.",
                &cmd_df, true},
    CommandSpec{"diag", "diag [<nodes>]", "Prints the crash report of crashed nodes.",
                "If a node has terminated unexpectedly, prints a summary of its final state:\n"
                "exit status, excerpts of stdout/stderr, resource usage and a stack backtrace\n"
                "if a core dump was found. The same report is mailed on a crash.",
                &cmd_diag, true},
    CommandSpec{"exec", "exec <command line>", "Runs a shell command on every host.",
                "Executes the given shell command line once on every host that runs a cluster\n"
                "node and prints the output per host.",
                &cmd_exec, false},
    CommandSpec{"exit", "exit", "Terminates the shell.", "Terminates the shell.", nullptr, false},
    CommandSpec{"help", "help [<command>]", "Prints a summary of all commands.",
                "Without arguments, prints a brief summary of all commands; with a command\n"
                "name, prints its full description.",
                &cmd_help, false},
    CommandSpec{"import-zeekctl", "import-zeekctl <etc dir> [--force]",
                "Makes etc/ from a zeekctl site's configuration.",
                "Reads zeekctl.cfg, node.cfg and networks.cfg from a zeekctl etc directory and\n"
                "writes this BroBase's etc/cluster.cfg, node.cfg and networks.cfg with\n"
                "NodeProfile = zeek: node.cfg keeps every zeekctl key, each zeekctl option\n"
                "becomes ours, and those without an equivalent are listed with the reason.\n"
                "Existing files are replaced only with --force. Needs no daemon. Then run\n"
                "check, install and start (docs/ZEEK.md, \"Switching a zeekctl site\").",
                &cmd_import_zeekctl, false},
    CommandSpec{"install", "install [<nodes>]", "Installs the configuration on all hosts.",
                "Checks, then installs the configuration, policy scripts and settings on all\n"
                "hosts over the bus. Must follow every configuration change; nothing changes\n"
                "on a running node until restart or update. A running node that the install\n"
                "removes keeps running, unconfigured, and is named: stop it to end it.",
                &cmd_install, true},
    CommandSpec{"keygen", "keygen [supervisor|admin|monitor <name>]",
                "Creates the key pairs of the authenticated bus.",
                "Without arguments, creates every key pair the cluster lacks: one per host,\n"
                "the broker's and 'admin'. With a role and a name, creates one more key\n"
                "(e.g. 'keygen monitor nagios' for an external tap). Public keys go into\n"
                "etc/keys/<role>, secret keys into etc/keys/secret/<name>.key (mode 0600).\n"
                "Existing keys are never replaced. Copy etc/keys/ to every host once;\n"
                "install distributes the public lists from then on.",
                &cmd_keygen, false},
    CommandSpec{"keys", "keys [revoke <name>]", "Lists the public keys per role.",
                "Lists the public keys known to the cluster, per role, and whether each is\n"
                "installed. 'keys revoke <name>' removes a key from its list; the hosts\n"
                "refuse it after the next install, without restarting any node.",
                &cmd_keys, false},
    CommandSpec{"netstats", "netstats [<nodes>]", "Prints captured and dropped packet counts.",
                "Queries each of the given nodes (default: the workers) for their current\n"
                "counts of captured and dropped packets.",
                &cmd_netstats, true},
    CommandSpec{"nodes", "nodes", "Prints a list of all configured nodes.",
                "Prints one line per configured node (lb_procs groups expanded) with all its\n"
                "attributes. With --json prints a JSON array.",
                &cmd_nodes, false},
    CommandSpec{"peerstatus", "peerstatus [<nodes>]", "Reports the nodes' peer connections.",
                "Primarily for debugging: reports statistics about the connections the nodes\n"
                "use to communicate with other cluster nodes.",
                &cmd_peerstatus, true},
    CommandSpec{"plot",
                "plot [--out <file.png|file.svg>] [--since <time>] [--until <time>] "
                "[--metrics cpu,memory,packets] [--size <w>x<h>] [<nodes>]",
                "Plots CPU, memory and packets of the nodes from stats.log.",
                "Draws the nodes' samples in stats.log (StatsLog; the collector writes one per\n"
                "node every StatsLogInterval) with gnuplot: CPU, resident memory and packets\n"
                "and drops per second, one line per node, crashes and restarts marked. Without\n"
                "--out as text in the terminal; --out writes a PNG or SVG. --since/--until take\n"
                "now, an age (30m, 6h, 2d), epoch seconds or a local time (2026-12-07T14:30);\n"
                "the default is the last 24 hours.",
                &cmd_plot, true},
    CommandSpec{"print", "print <id> [<nodes>]", "Prints the value of a script identifier.",
                "Reports the current value of the given script identifier on the given running\n"
                "nodes. Identifiers inside a module are written <module>::<id>.",
                &cmd_print, true},
    CommandSpec{"process", "process <trace> [-- <scripts>]", "Runs the node offline on a trace.",
                "Runs the node program on a pcap trace with the site policy in a scratch\n"
                "directory and says where the logs are.",
                &cmd_process, false},
    CommandSpec{"quit", "quit", "Terminates the shell.", "Terminates the shell.", nullptr, false},
    CommandSpec{"restart", "restart [--clean] [<nodes>]", "Restarts the nodes.",
                "Stops and then starts the given nodes (all if none are given). With --clean\n"
                "also cleans up, checks and installs in between.",
                &cmd_restart, true},
    CommandSpec{"scripts", "scripts [-p|-c] [<nodes>]", "Lists the scripts the nodes load.",
                "Lists the scripts loaded by each node in load order; -p with full paths, -c\n"
                "from the edited files (as check reads them) instead of the installed copy.\n"
                "For nodes of profile zeek, per node type, Zeek's own loaded_scripts.log.",
                &cmd_scripts, true},
    CommandSpec{"start", "start [<nodes>]", "Starts the nodes.",
                "Starts the given nodes, or the whole cluster: manager, then proxies, then\n"
                "workers. Nodes already running are left untouched.",
                &cmd_start, true},
    CommandSpec{"status", "status [<nodes>]", "Prints the status of the nodes.",
                "Prints the current status of the given nodes: name, type, host, status, pid,\n"
                "peers and start time. Peers are the connected peers as of the last stats\n"
                "sample (StatsInterval); n/a for a node program without a control endpoint.\n"
                "Nodes that still run though an install removed them follow, as\n"
                "'running (not configured)'.",
                &cmd_status, true},
    CommandSpec{"stop", "stop [<nodes>]", "Stops the nodes.",
                "Stops the given nodes, or the whole cluster: workers, then proxies, then the\n"
                "manager. Nodes not running are left untouched. Nodes that still run though\n"
                "an install removed them are stopped too (by name, group, or all).",
                &cmd_stop, true},
    CommandSpec{"tap", "tap [--json] [--snapshot] [<topic-prefix> ...]",
                "Follows the event bus live.",
                "Prints every event on the bus (or those whose topic starts with one of the\n"
                "given prefixes) as it happens, until Ctrl-C. --json prints JSON lines.\n"
                "--snapshot starts with every supervisor's status and then shows only the\n"
                "events newer than it. Without prefixes, a gap in a publisher's numbering\n"
                "(missed events, or a restart) is shown as a 'gap' line.",
                &cmd_tap, false},
    CommandSpec{"top", "top [<nodes>]", "Shows CPU and memory of the nodes' processes.",
                "For each node prints pid, virtual size, resident size, CPU and command; in\n"
                "interactive mode refreshes every second until Ctrl-C or q.",
                &cmd_top, true},
    CommandSpec{"update", "update [<nodes>]", "Applies &redef and analysis changes live.",
                "After install, sends new values of &redef variables and analysis toggles to\n"
                "the running nodes without restarting them, and reports what changed.",
                &cmd_update, true},
};

}  // namespace

std::span<const CommandSpec> command_table() {
  return kCommands;
}

const CommandSpec* find_command(std::string_view name) {
  for (const auto& spec : kCommands) {
    if (iequals(spec.name, name)) return &spec;
  }
  return nullptr;
}

bool takes_cluster_lock(std::string_view name) {
  // zeekctl's list: what installs, starts, stops or removes; reading commands never wait.
  constexpr std::array<std::string_view, 7> kExclusive = {"cleanup", "deploy", "install", "restart",
                                                          "start",   "stop",   "update"};
  for (std::string_view e : kExclusive) {
    if (iequals(e, name)) return true;
  }
  return false;
}

}  // namespace bc::shell
