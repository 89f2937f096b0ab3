#pragma once
// import-zeekctl's work, on texts (the shell reads and writes the files): a zeekctl etc
// dir's zeekctl.cfg, node.cfg and networks.cfg turned into our cluster.cfg, node.cfg and
// networks.cfg with NodeProfile = zeek. Every problem names the zeekctl file and line;
// whatever has no equivalent is listed with the reason (docs/ZEEK.md, "Switching a
// zeekctl site").

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/diagnostics.h"
#include "config/node_config.h"

namespace bc::config {

struct ZeekctlSource {
  std::string dir;  // the zeekctl etc dir; messages name <dir>/<file>
  std::string zeekctl_cfg;
  std::string node_cfg;
  std::optional<std::string> networks_cfg;  // nullopt when the dir has none
  std::string hostname;                     // zeekctl's MailFrom default names it
  HostResolver resolver;                    // empty = system_resolver()
  std::string base_dir;                     // our BroBase, for validating the result
};

// One of our options written from zeekctl's (or from its default, line 0).
struct CarriedOption {
  std::string zeekctl;  // zeekctl's option name ("ZeekArgs")
  int line = 0;         // in zeekctl.cfg; 0 = zeekctl's default, written because ours differs
  std::string ours;     // our option name ("BroArgs")
  std::string value;    // our value
  std::string note;     // how it was converted, if it was
};

// A zeekctl option or node key that has no equivalent.
struct NotCarried {
  std::string file;  // zeekctl.cfg or node.cfg (full path)
  int line = 0;
  std::string name;  // option, or "<node>: <key>"
  std::string value;
  std::string reason;
};

struct ZeekctlImport {
  std::string cluster_cfg;
  std::string node_cfg;
  std::string networks_cfg;
  std::string zeek_base;  // zeekctl's prefix as the import took it
  std::vector<CarriedOption> carried;
  std::vector<NotCarried> not_carried;
};

// Errors and warnings go to `diags`; with errors the texts are not to be written.
ZeekctlImport import_zeekctl(const ZeekctlSource& source, Diagnostics& diags);

namespace detail {

// zeekctl.cfg read as zeekctl reads it: lower-case key -> value and line. Plugin options
// (a '.' in the name) are kept; unknown options become NotCarried entries.
struct ZeekctlValue {
  std::string value;
  int line = 0;
};
using ZeekctlValues = std::map<std::string, ZeekctlValue>;

// The node.cfg part (zeekctl_nodes.cc): our node.cfg text, checked with our parser, with
// the effects of zeekctl's lb_method plugins written out. `options` are zeekctl.cfg's
// values, substituted.
std::string import_zeekctl_nodes(const ZeekctlSource& source, const ZeekctlValues& options,
                                 std::vector<NotCarried>& not_carried, Diagnostics& diags);

// Our parser's messages about a text we made, pointed back at the zeekctl file: line_map[i]
// is the zeekctl line that line i+1 of the text came from (0 = none).
void remap_diagnostics(const Diagnostics& made, const std::string& file,
                       const std::vector<int>& line_map, Diagnostics& diags);

}  // namespace detail
}  // namespace bc::config
