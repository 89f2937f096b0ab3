// `keygen [<role> <name>]`: makes the keys of the authenticated bus. Without arguments,
// every key the cluster needs that is missing (one per host, the broker's, admin); with a
// role and a name, one more key (a second admin, a monitor for a tap). Never replaces a
// key. Either way it leaves each host's key bundle (security/host_bundle.h) up to date.

#include <ostream>

#include "common/strings.h"
#include "messages/codec.h"
#include "security/bus_security.h"
#include "security/host_bundle.h"
#include "security/keygen.h"
#include "shell/commands/handlers.h"
#include "shell/shell_context.h"

namespace bc::shell {

int cmd_keygen(ShellContext& ctx, const std::vector<std::string>& args) {
  const config::Cluster* cluster = ctx.cluster();
  if (cluster == nullptr) return 1;
  const config::ClusterConfig& options = cluster->options;
  if (!args.empty()) {
    const auto role = args.size() == 2 ? security::parse_role(args[0]) : std::nullopt;
    if (!role) return ctx.fail("usage: keygen [supervisor|admin|monitor <name>]");
    if (Status s = security::add_key(options, *role, args[1]); !s.is_ok()) {
      return ctx.fail(s.message());
    }
    if (auto b = security::write_host_bundles(*cluster); !b.is_ok()) {
      return ctx.fail(b.status().message());
    }
    if (ctx.json()) {
      msg::Value doc = msg::Value::empty_map();
      doc.set("ok", true)
          .set("made", msg::Value::Array{msg::Value(args[1])})
          .set("role", args[0])
          .set("public", security::list_path(options.get("KeysDir"), *role))
          .set("secret", security::secret_key_path(options, args[1]));
      ctx.out() << msg::to_json(doc) << '\n';
      ctx.forget_security();
      return 0;
    }
    ctx.out() << "made " << args[0] << " key '" << args[1] << "': public key in "
              << security::list_path(options.get("KeysDir"), *role) << ", secret key in "
              << security::secret_key_path(options, args[1]) << '\n'
              << "run install to make it known to the hosts; hand the secret key file to "
                 "its user only (--key or $BROCLUSTER_KEY)\n";
    ctx.forget_security();
    return 0;
  }
  auto made = security::ensure_cluster_keys(options, cluster->hosts());
  if (!made.is_ok()) return ctx.fail(made.status().message());
  auto bundles = security::write_host_bundles(*cluster);
  if (!bundles.is_ok()) return ctx.fail(bundles.status().message());
  if (ctx.json()) {
    msg::Value names = msg::Value::empty_array();
    for (const auto& name : *made)
      names.push_back(name);
    msg::Value dirs = msg::Value::empty_map();
    for (const auto& host : *bundles)
      dirs.set(host, security::host_bundle_dir(options, host));
    msg::Value doc = msg::Value::empty_map();
    doc.set("ok", true)
        .set("made", std::move(names))
        .set("keys_dir", options.get("KeysDir"))
        .set("secret_key_dir", options.get("SecretKeyDir"))
        .set("host_bundles", std::move(dirs))
        .set("bus_security", security::curve_enabled(options) ? "curve" : "plain");
    ctx.out() << msg::to_json(doc) << '\n';
  } else if (made->empty()) {
    ctx.out() << "every key exists already (" << options.get("KeysDir") << ")\n";
  } else {
    ctx.out() << "made keys: " << join(*made, ", ") << '\n'
              << "public keys: " << options.get("KeysDir") << "/{supervisor,admin,monitor}\n"
              << "secret keys: " << options.get("SecretKeyDir") << " (mode 0600)\n";
  }
  // A one-host node.cfg has no other host to copy a bundle to.
  if (!ctx.json() && !bundles->empty() && cluster->hosts().size() > 1) {
    ctx.out() << "key bundle of each host (the lists and that host's secret only): "
              << options.get("KeysDir") << "/hosts/<host>/\n"
              << "copy each other host's bundle into its etc/keys/ before its supervisor "
                 "starts (docs/SECURITY.md); install distributes the public lists from then "
                 "on\n";
  }
  if (!security::curve_enabled(options)) {
    ctx.warn("BusSecurity = plain: the keys are not used until BusSecurity = curve");
  }
  ctx.forget_security();
  return 0;
}

}  // namespace bc::shell
