#pragma once
// The handlers of the commands available in this version, one file each.

#include <string>
#include <vector>

#include "config/node_config.h"
#include "messages/value.h"

namespace bc::shell {

class ShellContext;

int cmd_config(ShellContext& ctx, const std::vector<std::string>& args);
int cmd_keygen(ShellContext& ctx, const std::vector<std::string>& args);
int cmd_keys(ShellContext& ctx, const std::vector<std::string>& args);
int cmd_nodes(ShellContext& ctx, const std::vector<std::string>& args);
int cmd_help(ShellContext& ctx, const std::vector<std::string>& args);
int cmd_status(ShellContext& ctx, const std::vector<std::string>& args);
int cmd_start(ShellContext& ctx, const std::vector<std::string>& args);
int cmd_stop(ShellContext& ctx, const std::vector<std::string>& args);
int cmd_restart(ShellContext& ctx, const std::vector<std::string>& args);
int cmd_cleanup(ShellContext& ctx, const std::vector<std::string>& args);
int cmd_top(ShellContext& ctx, const std::vector<std::string>& args);
int cmd_df(ShellContext& ctx, const std::vector<std::string>& args);
int cmd_exec(ShellContext& ctx, const std::vector<std::string>& args);
int cmd_diag(ShellContext& ctx, const std::vector<std::string>& args);
int cmd_capstats(ShellContext& ctx, const std::vector<std::string>& args);
int cmd_tap(ShellContext& ctx, const std::vector<std::string>& args);
int cmd_plot(ShellContext& ctx, const std::vector<std::string>& args);
int cmd_cron(ShellContext& ctx, const std::vector<std::string>& args);
int cmd_daemons(ShellContext& ctx, const std::vector<std::string>& args);
int cmd_analysis(ShellContext& ctx, const std::vector<std::string>& args);
int cmd_attachgdb(ShellContext& ctx, const std::vector<std::string>& args);
int cmd_check(ShellContext& ctx, const std::vector<std::string>& args);
int cmd_deploy(ShellContext& ctx, const std::vector<std::string>& args);
int cmd_import_zeekctl(ShellContext& ctx, const std::vector<std::string>& args);
int cmd_install(ShellContext& ctx, const std::vector<std::string>& args);
int cmd_netstats(ShellContext& ctx, const std::vector<std::string>& args);
int cmd_peerstatus(ShellContext& ctx, const std::vector<std::string>& args);
int cmd_print(ShellContext& ctx, const std::vector<std::string>& args);
int cmd_process(ShellContext& ctx, const std::vector<std::string>& args);
int cmd_scripts(ShellContext& ctx, const std::vector<std::string>& args);
int cmd_update(ShellContext& ctx, const std::vector<std::string>& args);

// check's work, shared by install and deploy: the edited configuration and the selected
// nodes' scripts, printed per node (unless --json; then added to *json). True when all pass.
bool check_configuration(ShellContext& ctx, const std::vector<std::string>& args, msg::Value* json);

struct OpSummary;
// The last line of start/stop/restart (or one JSON object); returns the exit code.
int print_summary(ShellContext& ctx, const char* verb, const OpSummary& summary);
// {ok, <verb>: count, failed, skipped, nodes: [...]}: a summary as --json prints it.
msg::Value summary_json(const char* verb, const OpSummary& summary);

// Cleans up `nodes` (their hosts in parallel), printing a line per node unless --json;
// appends each node's entry to `results`. Returns the exit code.
int cleanup_nodes(ShellContext& ctx, const std::vector<config::NodeSpec>& nodes, bool all,
                  msg::Value& results);

}  // namespace bc::shell
