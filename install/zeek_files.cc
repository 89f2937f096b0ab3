#include "install/zeek_files.h"

#include "common/strings.h"
#include "config/zeek_layout.h"

namespace bc::install {

Result<std::map<std::string, std::string>> zeek_auto_files(const config::Cluster& cluster,
                                                           const config::ZeekVersion& version,
                                                           const config::PortRange& ephemeral) {
  const Result<config::ZeekLayout> layout = config::make_zeek_layout(
      cluster.nodes, version, config::zeek_layout_settings(cluster.options, version));
  if (!layout.is_ok()) return layout.status();
  const std::vector<std::string> problems =
      config::zeek_port_problems(*layout, cluster.options, ephemeral);
  if (!problems.empty()) {
    return Status::invalid_argument("ports of the Zeek layout for Zeek " + version.to_string() +
                                    ":\n  " + join(problems, "\n  "));
  }
  std::map<std::string, std::string> files;
  files["auto/" + layout->file_name] = layout->text;
  if (std::string telemetry = config::render_zeek_telemetry_config(*layout); !telemetry.empty()) {
    files["auto/" + std::string(kZeekTelemetryScript) + ".zeek"] = std::move(telemetry);
  }
  return files;
}

}  // namespace bc::install
