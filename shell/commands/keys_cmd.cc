// `keys [revoke <name>]`: lists the public keys of the bus per role, as edited and as in
// force (installed), or removes one from its list (effective on the hosts at the next
// install, without restarting any node).

#include <filesystem>
#include <ostream>

#include "messages/codec.h"
#include "security/bus_security.h"
#include "security/host_bundle.h"
#include "security/keygen.h"
#include "shell/commands/handlers.h"
#include "shell/shell_context.h"

namespace bc::shell {

int cmd_keys(ShellContext& ctx, const std::vector<std::string>& args) {
  const config::Cluster* cluster = ctx.cluster();
  if (cluster == nullptr) return 1;
  const config::ClusterConfig& options = cluster->options;
  if (!args.empty()) {
    if (args.size() != 2 || args[0] != "revoke") return ctx.fail("usage: keys [revoke <name>]");
    if (Status s = security::revoke_key(options, args[1]); !s.is_ok()) return ctx.fail(s.message());
    // The revoked key's own bundle goes; the others get the lists without it.
    if (Status s = security::remove_host_bundle(options, args[1]); !s.is_ok()) {
      return ctx.fail(s.message());
    }
    if (auto b = security::write_host_bundles(*cluster, true); !b.is_ok()) {
      return ctx.fail(b.status().message());
    }
    if (ctx.json()) {
      ctx.out() << msg::to_json(msg::Value::empty_map().set("ok", true).set("revoked", args[1]))
                << '\n';
      return 0;
    }
    ctx.out() << "revoked key '" << args[1] << "'; run install to revoke it on the hosts\n";
    return 0;
  }
  const std::string dir = options.get("KeysDir");
  auto edited = security::KeyLists::load(dir);
  if (!edited.is_ok()) return ctx.fail(edited.status().message());
  const std::string active = security::active_keys_dir(options);
  auto installed = security::KeyLists::load(active);
  msg::Value list = msg::Value::empty_array();
  if (!ctx.json()) {
    ctx.out() << "bus security: " << (security::curve_enabled(options) ? "curve" : "plain")
              << "; lists in " << dir << '\n';
    if (edited->empty()) ctx.out() << "no keys; run keygen\n";
  }
  for (security::Role role : security::kRoles) {
    for (const security::KeyEntry& e : edited->entries()) {
      if (e.role != role) continue;
      const bool in_force = installed.is_ok() && installed->find_key(e.public_z85) != nullptr;
      std::error_code ec;
      const bool secret_here =
          std::filesystem::exists(security::secret_key_path(options, e.name), ec);
      if (ctx.json()) {
        list.push_back(msg::Value::empty_map()
                           .set("role", std::string(security::role_name(role)))
                           .set("name", e.name)
                           .set("public_key", e.public_z85)
                           .set("installed", in_force)
                           .set("secret_here", secret_here));
        continue;
      }
      ctx.out() << "  " << security::role_name(role) << "  " << e.name << "  "
                << e.public_z85.substr(0, 12) << "..." << (in_force ? "" : "  (not installed)")
                << (secret_here ? "  (secret key here)" : "") << '\n';
    }
  }
  if (installed.is_ok() && !ctx.json()) {
    for (const security::KeyEntry& e : installed->entries()) {
      if (edited->find_key(e.public_z85) == nullptr) {
        ctx.out() << "  " << security::role_name(e.role) << "  " << e.name
                  << "  (removed; still in force until install)\n";
      }
    }
  }
  if (ctx.json()) ctx.out() << msg::to_json(list) << '\n';
  return 0;
}

}  // namespace bc::shell
