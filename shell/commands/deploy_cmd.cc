// `deploy`: check, install and restart, stopping at the first failure (install runs check
// first and refuses on a failure, so a broken script never reaches a running node).

#include <ostream>

#include "shell/commands/handlers.h"
#include "shell/shell_context.h"

namespace bc::shell {

namespace {

// A captured document without its trailing newline; "null" when there was none.
std::string document(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
    text.pop_back();
  return text.empty() ? "null" : text;
}

// --json: one document {ok, install, restart?} made of the two commands' own documents.
int deploy_json(ShellContext& ctx) {
  std::string install, restart;
  int rc = ctx.capture_out([&] { return cmd_install(ctx, {}); }, install);
  std::string doc = "{\"install\":" + document(install);
  if (rc != 0) {
    ctx.fail("deploy stopped: install failed; nothing was restarted");
  } else {
    rc = ctx.capture_out([&] { return cmd_restart(ctx, {}); }, restart);
    doc += ",\"restart\":" + document(restart);
  }
  ctx.out() << doc << ",\"ok\":" << (rc == 0 ? "true" : "false") << "}\n";
  return rc;
}

}  // namespace

int cmd_deploy(ShellContext& ctx, const std::vector<std::string>& args) {
  if (!args.empty()) return ctx.fail("deploy takes no arguments; it works on the whole cluster");
  if (ctx.json()) return deploy_json(ctx);
  if (int rc = cmd_install(ctx, {}); rc != 0) {
    ctx.fail("deploy stopped: install failed; nothing was restarted");
    return rc;
  }
  return cmd_restart(ctx, {});
}

}  // namespace bc::shell
