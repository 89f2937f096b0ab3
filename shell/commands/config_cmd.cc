// `config`: every option of cluster.cfg with its resolved value.

#include <algorithm>
#include <ostream>

#include "common/strings.h"
#include "messages/codec.h"
#include "shell/commands/handlers.h"
#include "shell/shell_context.h"

namespace bc::shell {

int cmd_config(ShellContext& ctx, const std::vector<std::string>& args) {
  if (!args.empty()) return ctx.fail("usage: config");
  const config::Cluster* cluster = ctx.cluster();
  if (cluster == nullptr) return 1;
  std::vector<std::pair<std::string, std::string>> options(cluster->options.values().begin(),
                                                           cluster->options.values().end());
  // Sorted as people read them: case-insensitively (CfgDir between BroBase and Debug).
  std::sort(options.begin(), options.end(),
            [](const auto& a, const auto& b) { return to_lower(a.first) < to_lower(b.first); });
  if (ctx.json()) {
    msg::Value object = msg::Value::empty_map();
    for (const auto& [name, value] : options)
      object.set(name, value);
    ctx.out() << msg::to_json(object) << '\n';
    return 0;
  }
  for (const auto& [name, value] : options)
    ctx.out() << name << " = " << value << '\n';
  return 0;
}

}  // namespace bc::shell
