// libFuzzer target: the configuration file parsers (config/). The first input byte picks
// the file; the rest is its text:
//   0 cluster.cfg   1 node.cfg (+ topology, node selection, scripts per node)
//   2 networks.cfg  3 analysis.dat (+ render/parse round trip)
//   4 a whole BroBase: the four files separated by NUL bytes, loaded by load_cluster from
//     an installed-snapshot directory (so that no file path comes from the input).
// Parsers report problems as Diagnostics; a crash, a sanitizer report or abort() below is
// a finding.

#include <stdlib.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/analysis.h"
#include "config/cluster.h"
#include "config/cluster_config.h"
#include "config/endpoints.h"
#include "config/networks.h"
#include "config/node_config.h"
#include "config/node_scripts.h"
#include "config/node_selection.h"

namespace {

using namespace bc::config;

void check(bool ok) {
  if (!ok) std::abort();
}

// No DNS in a fuzzer: names starting with "bad" do not resolve, everything else does.
HostResolver fake_resolver() {
  return [](const std::string& host) -> std::optional<std::string> {
    if (host.rfind("bad", 0) == 0) return std::nullopt;
    return host.find(':') != std::string::npos ? "::1" : "127.0.0.1";
  };
}

const std::map<std::string, std::string>& presets() {
  static const std::map<std::string, std::string> p = {{"BroBase", "/nonexistent/brobase"}};
  return p;
}

void fuzz_nodes(std::string_view text) {
  Diagnostics diags;
  std::vector<NodeSpec> nodes =
      parse_node_config(text, "node.cfg", "A=1, B=2", fake_resolver(), diags);
  validate_topology(nodes, "node.cfg", diags);
  (void)select_nodes(nodes, {});
  (void)select_nodes(nodes, {"workers", "manager", "proxies", "loggers"});
  if (!nodes.empty()) (void)select_nodes(nodes, {nodes.front().name, nodes.back().lb_group});
  static const ClusterConfig defaults = [] {
    Diagnostics ignored;
    return parse_cluster_config("", "cluster.cfg", presets(), ignored);
  }();
  for (const NodeSpec& n : nodes) {
    (void)node_scripts(defaults, n);
  }
  (void)diags.render_all();
}

void fuzz_analysis(std::string_view text) {
  Diagnostics diags;
  const std::vector<AnalysisType> types = parse_analysis(text, "analysis.dat", diags);
  if (diags.has_errors()) return;
  // What was read renders to a file that reads back the same.
  Diagnostics again;
  const std::vector<AnalysisType> reread =
      parse_analysis(render_analysis(types), "analysis.dat", again);
  check(!again.has_errors());
  check(reread.size() == types.size());
  for (std::size_t i = 0; i < types.size(); ++i) {
    check(reread[i].name == types[i].name && reread[i].enabled == types[i].enabled);
  }
}

// One scratch snapshot directory for the whole run (removed when the fuzzer exits); its
// etc/ is rewritten per input.
struct ScratchDir {
  std::string path;
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

const std::string& scratch_dir() {
  static const ScratchDir dir{[] {
    std::string tmpl = (std::filesystem::temp_directory_path() / "bc_fuzz_config_XXXXXX").string();
    check(mkdtemp(tmpl.data()) != nullptr);
    std::filesystem::create_directories(tmpl + "/etc");
    std::filesystem::create_directories(tmpl + "/policy");
    std::filesystem::create_directories(tmpl + "/site/1");
    return tmpl;
  }()};
  return dir.path;
}

void fuzz_cluster(std::string_view text) {
  static const char* const kFiles[] = {"cluster.cfg", "node.cfg", "networks.cfg", "analysis.dat"};
  const std::string& dir = scratch_dir();
  for (const char* name : kFiles) {
    const std::size_t nul = text.find('\0');
    std::ofstream(dir + "/etc/" + name, std::ios::trunc | std::ios::binary) << text.substr(0, nul);
    text = nul == std::string_view::npos ? std::string_view() : text.substr(nul + 1);
  }
  LoadOptions options;
  options.base_dir = "/nonexistent/brobase";
  options.install_dir = dir;
  options.resolver = fake_resolver();
  Diagnostics diags;
  const Cluster cluster = load_cluster(options, diags);
  (void)diags.render_all();
  if (diags.has_errors()) return;
  (void)broker_pub_endpoint(cluster);
  (void)collector_endpoint(cluster);
  for (const std::string& host : cluster.hosts()) {
    (void)supervisor_endpoint(cluster, host);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 5) {
    case 0: {
      Diagnostics diags;
      const ClusterConfig c = parse_cluster_config(text, "cluster.cfg", presets(), diags);
      (void)c.get("SpoolDir");
      (void)diags.render_all();
      break;
    }
    case 1:
      fuzz_nodes(text);
      break;
    case 2: {
      Diagnostics diags;
      (void)parse_networks(text, "networks.cfg", diags);
      break;
    }
    case 3:
      fuzz_analysis(text);
      break;
    default:
      fuzz_cluster(text);
      break;
  }
  return 0;
}
