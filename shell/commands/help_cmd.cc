// `help [<command>]`: the command table rendered for people (or, with --json, as data).

#include <iomanip>
#include <ostream>

#include "messages/codec.h"
#include "messages/value.h"
#include "shell/command.h"
#include "shell/commands/handlers.h"
#include "shell/shell_context.h"

namespace bc::shell {
namespace {

bool available(const CommandSpec& spec) {
  return spec.handler != nullptr || spec.name == "exit" || spec.name == "quit";
}

msg::Value command_json(const CommandSpec& spec, bool with_description) {
  msg::Value v = msg::Value::empty_map();
  v.set("name", spec.name)
      .set("synopsis", spec.synopsis)
      .set("summary", spec.summary)
      .set("available", available(spec));
  if (with_description) v.set("description", spec.description);
  return v;
}

}  // namespace

int cmd_help(ShellContext& ctx, const std::vector<std::string>& args) {
  if (args.size() > 1)
    return ctx.fail(Status(ErrorCode::kInvalidArgument, "usage: help [<command>]"));
  if (args.size() == 1) {
    const CommandSpec* spec = find_command(args[0]);
    if (spec == nullptr) {
      return ctx.fail(
          Status(ErrorCode::kNotFound, "unknown command '" + args[0] + "'; try 'help'"));
    }
    if (ctx.json()) {
      ctx.out() << msg::to_json(command_json(*spec, true)) << '\n';
      return 0;
    }
    ctx.out() << spec->synopsis << "\n\n" << spec->description << '\n';
    if (spec->handler == nullptr && spec->name != "exit" && spec->name != "quit") {
      ctx.out() << "\n(not available yet in this version)\n";
    }
    return 0;
  }
  if (ctx.json()) {
    msg::Value commands = msg::Value::empty_array();
    for (const CommandSpec& spec : command_table())
      commands.push_back(command_json(spec, false));
    msg::Value doc = msg::Value::empty_map();
    doc.set("commands", std::move(commands));
    ctx.out() << msg::to_json(doc) << '\n';
    return 0;
  }
  ctx.out() << "Commands (help <command> describes one):\n\n";
  for (const CommandSpec& spec : command_table()) {
    ctx.out() << "  " << std::left << std::setw(36) << spec.synopsis << " - " << spec.summary
              << '\n';
  }
  ctx.out() << "\nGlobal options: --base <dir> (BroBase), --json (machine-readable output).\n";
  return 0;
}

}  // namespace bc::shell
