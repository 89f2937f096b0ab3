// `install [<nodes>]`: check, then send the edited configuration as a versioned bundle to
// the supervisors of the nodes' hosts (all hosts by default). Nothing changes on a running
// node: it picks the new version up at its next start (restart) or through `update`.

#include <ostream>
#include <set>

#include "common/strings.h"
#include "config/endpoints.h"
#include "messages/codec.h"
#include "net/request_mux.h"
#include "security/bus_security.h"
#include "security/keygen.h"
#include "shell/commands/handlers.h"
#include "shell/install_ops.h"
#include "shell/interrupt.h"
#include "shell/local_daemons.h"
#include "shell/node_args.h"
#include "shell/unconfigured_nodes.h"

namespace bc::shell {
namespace {

// The collector takes the installed configuration at once when told (nodes added are cared
// for, restart settings apply to the next crash). It also notices a new version by itself
// within a second, so a collector that does not answer costs nothing but this short wait.
void tell_collector(ShellContext& ctx) {
  const config::Cluster* cluster = ctx.cluster();
  if (cluster == nullptr) return;
  auto reply =
      net::call_once(ctx.zmq(), config::collector_endpoint(*cluster), ctx.security(),
                     std::string(security::kBrokerKeyName), "reload", msg::Value::empty_map(),
                     std::chrono::milliseconds(1000), &interrupted);
  if (reply.is_ok() && !reply->ok && !ctx.json()) {
    ctx.err() << "Warning: the collector keeps its configuration: "
              << msg::reply_status(*reply).message() << '\n';
  }
}

}  // namespace

int cmd_install(ShellContext& ctx, const std::vector<std::string>& args) {
  msg::Value json = msg::Value::empty_map();
  const auto finish = [&](bool ok) {
    if (ctx.json()) ctx.out() << msg::to_json(json.set("ok", ok)) << '\n';
    return ok ? 0 : 1;
  };
  // The first install puts the sample site scripts in place before check reads them (a
  // site dir without them is what a fresh BroBase with its own SitePolicyPath has).
  if (const config::Cluster* edited = ctx.cluster()) {
    if (!place_sample_site_scripts(*edited).empty() && !ctx.json()) {
      ctx.out() << "install: sample site scripts put into " << edited->options.get("SitePolicyPath")
                << '\n';
    }
  }
  // The first install of a cluster without keys makes them (docs/SECURITY.md).
  if (const config::Cluster* edited = ctx.cluster(); edited != nullptr &&
                                                     security::curve_enabled(edited->options) &&
                                                     !security::cluster_has_keys(edited->options)) {
    auto made = security::ensure_cluster_keys(edited->options, edited->hosts());
    if (!made.is_ok()) {
      ctx.fail("install: " + made.status().message());
      return finish(false);
    }
    if (!ctx.json()) {
      ctx.out() << "install: made the bus keys (" << join(*made, ", ") << ") in "
                << edited->options.get("KeysDir") << '\n';
    }
    ctx.forget_security();
  }
  msg::Value checked = msg::Value::empty_map();
  if (!check_configuration(ctx, args, &checked)) {
    json.set("check", std::move(checked));
    ctx.fail("install refused: check failed (running nodes are untouched)");
    return finish(false);
  }
  json.set("check", std::move(checked));
  auto nodes = selected_nodes(ctx, args);
  if (!nodes) return finish(false);
  if (Status s = ensure_local_daemons(ctx); !s.is_ok()) {
    ctx.fail(s.message());
    return finish(false);
  }
  auto bundle = edited_bundle(*ctx.cluster());
  if (!bundle.is_ok()) {
    ctx.fail("install: " + bundle.status().message());
    return finish(false);
  }
  const std::string& version = bundle->manifest.version;
  std::vector<std::string> hosts;
  for (const auto& [host, _] : by_host(*nodes))
    hosts.push_back(host);
  if (!ctx.json()) {
    ctx.out() << "install: version " << version.substr(0, 12) << " ("
              << bundle->manifest.files.size() << " files) to " << hosts.size() << " host"
              << (hosts.size() == 1 ? "" : "s") << '\n';
  }
  msg::Value list = msg::Value::empty_array();
  std::vector<std::string> failed;
  std::vector<std::string> installed;
  for (const HostInstall& h : install_on_hosts(ctx, *bundle, hosts)) {
    if (h.status.is_ok()) installed.push_back(h.host);
    msg::Value entry = msg::Value::empty_map();
    entry.set("host", h.host).set("ok", h.status.is_ok()).set("bytes_sent", h.bytes_sent);
    if (!h.status.is_ok()) {
      entry.set("error", h.status.message());
      failed.push_back(h.host);
    } else {
      entry.set("previous", h.previous).set("already_installed", h.already_installed);
    }
    list.push_back(std::move(entry));
  }
  json.set("version", version).set("hosts", std::move(list));
  // Nodes this install removed while they ran keep running until stopped: name them.
  const auto unconfigured = find_unconfigured(ctx, installed);
  for (const UnconfiguredNode& u : unconfigured) {
    if (!ctx.json()) ctx.out() << unconfigured_line(u) << '\n';
  }
  json.set("unconfigured", unconfigured_json(unconfigured));
  if (!failed.empty()) {
    std::string names;
    for (const auto& h : failed)
      names += (names.empty() ? "" : ", ") + h;
    ctx.fail("install incomplete: not installed on " + names +
             "; run install again once they are reachable");
    return finish(false);
  }
  tell_collector(ctx);
  if (!ctx.json()) {
    ctx.out() << "install: done; restart or update the nodes to use version "
              << version.substr(0, 12) << '\n';
  }
  return finish(true);
}

}  // namespace bc::shell
