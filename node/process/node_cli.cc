#include "node/process/node_cli.h"

#include <cstdio>
#include <filesystem>

#include <CLI/CLI.hpp>

#include "config/networks.h"
#include "node/process/policy.h"

namespace bc::node {
namespace {

PolicySources sources_for(const config::Cluster& cluster, const NodeIdentity& identity) {
  return PolicySources{identity.scripts, script::load_options_for(cluster.options),
                       cluster.options.get("AnalysisCfg"), cluster.networks};
}

// The name a file was found under: relative to the search dir holding it.
std::string short_name(const std::string& file, const script::LoadOptions& options) {
  for (const std::string& dir : options.search_path) {
    const std::filesystem::path rel = std::filesystem::path(file).lexically_relative(dir);
    if (!rel.empty() && rel.native().rfind("..", 0) != 0) return rel.string();
  }
  return file;
}

}  // namespace

std::optional<int> parse_cli(int argc, char** argv, NodeCli& cli) {
  CLI::App app{"brocluster-node: the reference analysis node of BroCluster"};
  app.add_option("-r", cli.read_file, "read packets from this pcap file instead of capturing");
  app.add_option("-i", cli.identity.interface,
                 "capture on this interface (default: $CLUSTER_INTERFACE)");
  app.add_flag("--check", cli.check, "load and validate the policy scripts only; exit 0 or 1");
  app.add_flag("--print-scripts", cli.print_scripts, "list the scripts in load order and exit");
  app.add_flag("--full-paths", cli.full_paths, "with --print-scripts: absolute paths");
  app.add_flag("--exit-at-eof", cli.exit_at_eof,
               "with -r: exit once the file is read (default: keep serving until SIGTERM)");
  app.add_option("--node", cli.identity.node, "node name (default: $CLUSTER_NODE)");
  app.add_option("--type", cli.identity.type,
                 "node type: standalone, logger, manager, proxy, worker (default: "
                 "$CLUSTER_NODE_TYPE, else node.cfg)");
  app.add_option("--base", cli.identity.base, "BroBase (default: $CLUSTER_BASE)");
  app.add_option("--install", cli.identity.install,
                 "installed snapshot to take configuration and scripts from (default: "
                 "$CLUSTER_INSTALL, else the BroBase's own files)");
  app.add_option("--load", cli.identity.extra_scripts,
                 "also load this script after the node's own (repeatable)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (cli.full_paths && !cli.print_scripts) {
    std::fprintf(stderr, "brocluster-node: --full-paths goes with --print-scripts\n");
    return 2;
  }
  return std::nullopt;
}

int run_check(const config::Cluster& cluster, const NodeIdentity& identity) {
  std::vector<script::Diagnostic> errors;
  Result<Policy> policy = load_policy(sources_for(cluster, identity), errors);
  for (const auto& d : errors)
    std::fprintf(stderr, "%s\n", d.to_string().c_str());
  if (!policy) {
    if (errors.empty()) std::fprintf(stderr, "%s\n", policy.status().message().c_str());
    return 1;
  }
  std::printf("%s: %zu scripts ok\n", identity.spec.name.c_str(), policy->program.files.size());
  return 0;
}

int run_print_scripts(const config::Cluster& cluster, const NodeIdentity& identity,
                      bool full_paths) {
  const PolicySources sources = sources_for(cluster, identity);
  std::vector<script::Diagnostic> errors;
  Result<script::Program> program = script::load_scripts(sources.names, sources.options, errors);
  for (const auto& d : errors)
    std::fprintf(stderr, "%s\n", d.to_string().c_str());
  if (!program) return 1;
  for (const std::string& file : program->files) {
    std::printf("%s\n", (full_paths ? file : short_name(file, sources.options)).c_str());
  }
  return 0;
}

}  // namespace bc::node
