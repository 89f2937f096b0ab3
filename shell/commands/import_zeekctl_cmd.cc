// `import-zeekctl <zeekctl etc dir> [--force]`: turns a zeekctl site's zeekctl.cfg,
// node.cfg and networks.cfg into our etc/ with NodeProfile = zeek (config/zeekctl_import.h
// does the work). Local: needs no daemon and no loaded configuration. Never replaces an
// existing file without --force; each file is written atomically, and none is written
// when the zeekctl files have an error.

#include <unistd.h>

#include <array>
#include <filesystem>
#include <ostream>

#include "common/file_util.h"
#include "config/zeekctl_import.h"
#include "messages/codec.h"
#include "shell/commands/handlers.h"
#include "shell/shell_context.h"

namespace bc::shell {
namespace {

constexpr std::array<std::string_view, 3> kOurFiles = {"cluster.cfg", "node.cfg", "networks.cfg"};

std::string hostname() {
  std::array<char, 256> buf{};
  if (gethostname(buf.data(), buf.size() - 1) != 0) return "localhost";
  return buf.data();
}

Result<config::ZeekctlSource> read_source(const std::string& dir, const std::string& base) {
  config::ZeekctlSource source;
  source.dir = dir;
  source.hostname = hostname();
  source.base_dir = base;
  auto cfg = read_file(dir + "/zeekctl.cfg");
  if (!cfg.is_ok()) return cfg.status();
  source.zeekctl_cfg = std::move(*cfg);
  auto nodes = read_file(dir + "/node.cfg");
  if (!nodes.is_ok()) return nodes.status();
  source.node_cfg = std::move(*nodes);
  auto networks = read_file(dir + "/networks.cfg");
  if (networks.is_ok()) {
    source.networks_cfg = std::move(*networks);
  } else if (networks.status().code() != ErrorCode::kNotFound) {
    return networks.status();
  }
  return source;
}

msg::Value json_of(const config::ZeekctlImport& result, const config::Diagnostics& diags,
                   const std::string& etc) {
  msg::Value written = msg::Value::empty_array();
  for (std::string_view f : kOurFiles)
    written.push_back(etc + "/" + std::string(f));
  msg::Value carried = msg::Value::empty_array();
  for (const auto& c : result.carried) {
    carried.push_back(msg::Value::empty_map()
                          .set("zeekctl", c.zeekctl)
                          .set("line", c.line)
                          .set("option", c.ours)
                          .set("value", c.value)
                          .set("note", c.note));
  }
  msg::Value missing = msg::Value::empty_array();
  for (const auto& n : result.not_carried) {
    missing.push_back(msg::Value::empty_map()
                          .set("file", n.file)
                          .set("line", n.line)
                          .set("name", n.name)
                          .set("value", n.value)
                          .set("reason", n.reason));
  }
  msg::Value warnings = msg::Value::empty_array();
  for (const auto& d : diags.items())
    warnings.push_back(d.render());
  return msg::Value::empty_map()
      .set("ok", true)
      .set("written", std::move(written))
      .set("zeek_base", result.zeek_base)
      .set("carried", std::move(carried))
      .set("not_carried", std::move(missing))
      .set("warnings", std::move(warnings));
}

void print_report(std::ostream& out, const config::ZeekctlImport& result, const std::string& dir,
                  const std::string& etc) {
  out << "imported " << dir << " into " << etc
      << "/: cluster.cfg, node.cfg, networks.cfg (NodeProfile = zeek; zeekctl's prefix "
      << result.zeek_base << ")\n";
  out << "carried over:\n";
  for (const auto& c : result.carried) {
    out << "  " << c.ours << " = " << c.value << "  <- "
        << (c.line > 0 ? "zeekctl.cfg:" + std::to_string(c.line) + " " + c.zeekctl
                       : "zeekctl's default of " + c.zeekctl)
        << (c.note.empty() ? "" : " (" + c.note + ")") << '\n';
  }
  if (!result.not_carried.empty()) {
    out << "no equivalent (not carried over):\n";
    for (const auto& n : result.not_carried) {
      out << "  " << n.file << ':' << n.line << ": " << n.name << " = " << n.value << " -- "
          << n.reason << '\n';
    }
  }
  out << "next: brocluster check, brocluster install, brocluster start (docs/ZEEK.md, "
         "\"Switching a zeekctl site\")\n";
}

}  // namespace

int cmd_import_zeekctl(ShellContext& ctx, const std::vector<std::string>& args) {
  std::string dir;
  bool force = false;
  for (const std::string& a : args) {
    if (a == "--force") {
      force = true;
    } else if (dir.empty() && !a.starts_with("-")) {
      dir = a;
    } else {
      return ctx.fail("usage: import-zeekctl <zeekctl etc dir> [--force]");
    }
  }
  if (dir.empty()) return ctx.fail("usage: import-zeekctl <zeekctl etc dir> [--force]");
  std::error_code ec;
  dir = std::filesystem::absolute(dir, ec).lexically_normal().string();
  while (dir.size() > 1 && dir.back() == '/')
    dir.pop_back();
  const std::string etc = ctx.base_dir() + "/etc";
  for (std::string_view f : kOurFiles) {
    const std::string path = etc + "/" + std::string(f);
    if (!force && std::filesystem::exists(path, ec)) {
      return ctx.fail(path + " exists; import-zeekctl replaces it only with --force");
    }
  }
  auto source = read_source(dir, ctx.base_dir());
  if (!source.is_ok()) return ctx.fail(source.status().message());
  config::Diagnostics diags;
  const config::ZeekctlImport result = config::import_zeekctl(*source, diags);
  if (diags.has_errors()) {
    // Each error on its own line (and in the --json error document), file:line first.
    for (const auto& d : diags.items()) {
      if (d.severity == config::Severity::kError) ctx.fail(d.render().substr(7));
    }
    return ctx.fail("nothing written: fix " + dir + " and run import-zeekctl again");
  }
  if (Status s = ensure_dir(etc); !s.is_ok()) return ctx.fail(s);
  const std::array<const std::string*, 3> texts = {&result.cluster_cfg, &result.node_cfg,
                                                   &result.networks_cfg};
  for (std::size_t i = 0; i < kOurFiles.size(); ++i) {
    const std::string path = etc + "/" + std::string(kOurFiles[i]);
    if (Status s = write_file_atomic(path, *texts[i]); !s.is_ok()) return ctx.fail(s);
  }
  ctx.reload();  // an interactive session goes on with the new files
  if (ctx.json()) {
    ctx.out() << msg::to_json(json_of(result, diags, etc)) << '\n';
    return 0;
  }
  for (const auto& d : diags.items())
    ctx.warn(d.render().substr(9));
  print_report(ctx.out(), result, dir, etc);
  return 0;
}

}  // namespace bc::shell
