// brocluster-node: parses the command line, loads the configuration and the node's
// identity, then checks, lists scripts or runs the node (node_process.h).

#include <cstdio>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "config/cluster.h"
#include "node/process/node_cli.h"
#include "node/process/node_process.h"

namespace {

std::optional<bc::config::Cluster> load_cluster(const std::string& base,
                                                const std::string& install) {
  bc::config::Diagnostics diags;
  bc::config::LoadOptions options;
  options.base_dir = base;
  options.install_dir = install;
  bc::config::Cluster cluster = bc::config::load_cluster(options, diags);
  for (const auto& d : diags.items())
    std::fprintf(stderr, "%s\n", d.render().c_str());
  if (diags.has_errors()) return std::nullopt;
  return cluster;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace bc::node;
  NodeCli cli;
  if (std::optional<int> exit_code = parse_cli(argc, argv, cli)) return *exit_code;
  const EnvLookup env = process_environment();
  std::optional<bc::config::Cluster> cluster =
      load_cluster(resolve_base(cli.identity, env), resolve_install(cli.identity, env));
  if (!cluster) return 1;
  bc::Result<NodeIdentity> identity = resolve_identity(*cluster, cli.identity, env);
  if (!identity) {
    std::fprintf(stderr, "brocluster-node: %s\n", identity.status().message().c_str());
    return 1;
  }
  identity->scripts.insert(identity->scripts.end(), cli.identity.extra_scripts.begin(),
                           cli.identity.extra_scripts.end());
  if (cli.check) return run_check(*cluster, *identity);
  if (cli.print_scripts) return run_print_scripts(*cluster, *identity, cli.full_paths);

  auto logger = spdlog::stderr_logger_st("brocluster-node");
  logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %n[%P] %l: %v");
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
  PolicySources sources{identity->scripts, bc::node::script::load_options_for(cluster->options),
                        cluster->options.get("AnalysisCfg"), cluster->networks};
  NodeProcess node(NodeRunOptions{std::move(*cluster), std::move(*identity), std::move(sources),
                                  cli.read_file, cli.exit_at_eof});
  return node.run();
}
