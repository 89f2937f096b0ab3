// `status [<nodes>]`: one row per node — Name Type Host Status Pid Peers Started — from
// each host's supervisor, asked in parallel. A host that does not answer within
// CommTimeout shows its nodes as "unreachable". Nodes that run but are no longer
// configured (shell/unconfigured_nodes.h) follow, as "running (not configured)". Exit code
// 0 only if every listed node of node.cfg is running.

#include <algorithm>
#include <ctime>
#include <map>
#include <optional>
#include <ostream>

#include "messages/codec.h"
#include "shell/cluster_client.h"
#include "shell/commands/handlers.h"
#include "shell/install_ops.h"
#include "shell/local_daemons.h"
#include "shell/node_args.h"
#include "shell/table.h"
#include "shell/unconfigured_nodes.h"

namespace bc::shell {
namespace {

struct Row {
  std::string name, type, host, status = "unknown", pid, peers = "-", started;
  std::int64_t pid_value = 0, started_us = 0;
  std::optional<std::int64_t> peers_value;
  bool configured = true;
};

std::string format_time(std::int64_t us, const std::string& fmt) {
  if (us <= 0) return "";
  const std::time_t secs = static_cast<std::time_t>(us / 1'000'000);
  std::tm tm{};
  localtime_r(&secs, &tm);
  char buf[128];
  return std::strftime(buf, sizeof buf, fmt.c_str(), &tm) > 0 ? buf : "";
}

void fill_from_reply(std::vector<Row>& rows, const Outcome& outcome, const std::string& time_fmt) {
  for (Row& row : rows) {
    if (row.host != outcome.call.host) continue;
    if (!outcome.reply.is_ok()) {
      row.status = "unreachable";
      continue;
    }
    const msg::Reply& reply = *outcome.reply;
    const msg::Value* nodes = reply.result ? reply.result->find("nodes") : nullptr;
    if (nodes == nullptr || nodes->as_array() == nullptr) continue;
    // The host was asked for all its nodes: one it does not know is in the edited node.cfg
    // only (an install will add it), and its neighbours are shown as they are.
    row.status = "not installed (run install)";
    for (const msg::Value& n : *nodes->as_array()) {
      if (n.get_string("name").is_ok() && *n.get_string("name") == row.name) {
        row.status = n.get_string("state").is_ok() ? *n.get_string("state") : "unknown";
        row.configured = n.get_bool("configured").value_or(true);
        if (!row.configured) row.status += " (not configured)";
        row.pid_value = n.get_int("pid").is_ok() ? *n.get_int("pid") : 0;
        row.started_us = n.get_int("started_at").is_ok() ? *n.get_int("started_at") : 0;
        row.pid = row.pid_value > 0 ? std::to_string(row.pid_value) : "";
        row.started = format_time(row.started_us, time_fmt);
        // Connected peers as of the supervisor's last stats sample; "n/a" for a program
        // without a control endpoint; "-" before the first sample or without a process.
        if (const msg::Value* peers = n.find("peers"); peers != nullptr) {
          if (auto count = peers->as_int()) {
            row.peers = std::to_string(*count);
            row.peers_value = *count;
          } else if (const std::string* text = peers->as_string()) {
            row.peers = *text;
          }
        }
      }
    }
  }
}

msg::Value rows_json(const std::vector<Row>& rows) {
  msg::Value list = msg::Value::empty_array();
  for (const Row& r : rows) {
    msg::Value v = msg::Value::empty_map();
    v.set("name", r.name)
        .set("type", r.type)
        .set("host", r.host)
        .set("status", r.status)
        .set("pid", r.pid_value)
        .set("started", r.started_us)
        .set("peers", r.peers_value ? msg::Value(*r.peers_value) : msg::Value())
        .set("configured", r.configured);
    list.push_back(std::move(v));
  }
  return list;
}

Row row_of(const config::NodeSpec& n) {
  Row row;
  row.name = n.name;
  row.type = std::string(config::node_type_name(n.type));
  row.host = n.host;
  return row;
}

// The rows of the not-configured nodes a host reported that `rows` lacks (the whole
// cluster's status asks every host for them).
void add_unconfigured_rows(std::vector<Row>& rows, const Outcome& outcome) {
  if (!outcome.reply.is_ok() || !outcome.reply->ok || !outcome.reply->result) return;
  for (const UnconfiguredNode& u : unconfigured_in(outcome.call.host, *outcome.reply->result)) {
    const bool listed = std::any_of(rows.begin(), rows.end(), [&](const Row& r) {
      return r.name == u.spec.name && r.host == u.spec.host;
    });
    if (!listed) rows.push_back(row_of(u.spec));
  }
}

}  // namespace

int cmd_status(ShellContext& ctx, const std::vector<std::string>& args) {
  // Names node.cfg does not know may be nodes that run unconfigured; the whole cluster's
  // status finds those in its own round (args "unconfigured" below).
  if (ctx.cluster() == nullptr) return 1;
  if (Status s = ensure_local_daemons(ctx); !s.is_ok()) return ctx.fail(s.message());
  auto selection = select_with_unconfigured(ctx, args, false);
  if (!selection) return 1;
  const config::Cluster& cluster = *ctx.cluster();
  const std::vector<config::NodeSpec> nodes = selection->all();
  std::vector<Row> rows;
  for (const auto& n : nodes)
    rows.push_back(row_of(n));
  // Each host is asked for all its nodes (its not-configured ones included), not for the
  // ones named: a name it does not know would make it refuse the whole request.
  std::vector<Call> calls;
  for (const auto& host : by_host(nodes))
    calls.push_back({host.first, "status", msg::Value::empty_map(), host.first});
  ClusterClient client(ctx.zmq(), cluster, ctx.security());
  auto edited = edited_bundle_async(cluster);
  const std::string time_fmt = cluster.options.get("TimeFmt");
  std::map<std::string, std::string> installed;
  for (const Outcome& o : client.run(calls, client.comm_timeout())) {
    if (o.reply.is_ok() && o.reply->ok && o.reply->result) {
      installed[o.call.host] = o.reply->result->get_string("installed").value_or("");
    }
    if (!o.reply.is_ok()) {
      ctx.warn(o.reply.status().message());
    } else if (!o.reply->ok) {
      ctx.warn(o.call.host + ": " + msg::reply_status(*o.reply).message());
    }
    if (args.empty()) add_unconfigured_rows(rows, o);
    fill_from_reply(rows, o, time_fmt);
  }
  warn_if_not_installed(ctx, installed, edited);
  bool all_running = true;
  for (const Row& r : rows)
    all_running = all_running && (r.status == "running" || !r.configured);
  if (ctx.json()) {
    ctx.out() << msg::to_json(rows_json(rows)) << '\n';
    return all_running ? 0 : 1;
  }
  Table table({"Name", "Type", "Host", "Status", "Pid", "Peers", "Started"});
  for (const Row& r : rows)
    table.add({r.name, r.type, r.host, r.status, r.pid, r.peers, r.started});
  ctx.out() << table.render();
  return all_running ? 0 : 1;
}

}  // namespace bc::shell
