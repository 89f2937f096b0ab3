#include "shell/program_checks.h"

#include <unistd.h>

#include <set>

#include "common/exec_path.h"
#include "common/strings.h"
#include "shell/local_host.h"

namespace bc::shell {
namespace {

// Why `program` cannot be run from here; empty when it can.
std::string unusable(const std::string& program) {
  const auto found = find_in_path(program, process_path());
  if (!found) return "not found in PATH";
  if (::access(found->c_str(), F_OK) != 0) return "does not exist";
  if (::access(found->c_str(), X_OK) != 0) return "is not executable";
  return {};
}

}  // namespace

std::vector<ProgramFinding> program_findings(const config::Cluster& cluster,
                                             const std::vector<config::NodeSpec>& nodes) {
  std::vector<ProgramFinding> out;
  const std::string node_cfg = cluster.options.get("NodeCfg");
  std::set<std::string> told;  // an lb_procs group names its program once
  for (const config::NodeSpec& node : nodes) {
    if (node.program.empty()) continue;
    const std::string section = node.lb_group.empty() ? node.name : node.lb_group;
    if (!told.insert(section).second) continue;
    const std::string where =
        node_cfg + ":" + std::to_string(node.line) + ": [" + section + "] program=" + node.program;
    if (node.program.find('/') != std::string::npos && node.program.front() != '/') {
      out.push_back({true, where + ": a relative path would be run from the node's spool "
                                   "directory; give an absolute path or a name in PATH"});
      continue;
    }
    const std::string why = unusable(node.program);
    if (why.empty()) continue;
    if (is_local_node(node)) {
      out.push_back({true, where + ": " + why});
    } else {
      out.push_back(
          {false, where + ": " + why + " on this machine; it must exist on host " + node.host});
    }
  }
  if (cluster.options.get_bool("SendMail") && !cluster.options.get("MailTo").empty()) {
    const auto argv = split_trimmed(cluster.options.get("SendMailCommand"), " \t");
    const std::string why = argv.empty() ? "it is empty" : unusable(argv.front());
    if (!why.empty()) {
      out.push_back({false, cluster.options.get("ClusterCfg") + ": SendMailCommand '" +
                                cluster.options.get("SendMailCommand") + "': " + why +
                                ": crash reports and alerts cannot be mailed (install a "
                                "sendmail, or set SendMail = 0)"});
    }
  }
  return out;
}

}  // namespace bc::shell
