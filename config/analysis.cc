#include "config/analysis.h"

#include <algorithm>
#include <map>

#include "common/strings.h"
#include "config/text_util.h"

namespace bc::config {
namespace {

std::string known_names() {
  std::vector<std::string> names;
  for (const AnalysisType& t : default_analysis())
    names.push_back(t.name);
  return join(names, ", ");
}

struct ParsedLine {
  std::string name;
  std::string flag;
  std::string description;
};

ParsedLine split_line(std::string_view line) {
  ParsedLine out;
  const std::size_t name_end = line.find_first_of(" \t");
  out.name = std::string(line.substr(0, name_end));
  if (name_end == std::string_view::npos) return out;
  line = trim(line.substr(name_end));
  const std::size_t flag_end = line.find_first_of(" \t");
  out.flag = std::string(line.substr(0, flag_end));
  if (flag_end != std::string_view::npos)
    out.description = std::string(trim(line.substr(flag_end)));
  return out;
}

}  // namespace

std::vector<AnalysisType> default_analysis() {
  // The manual's table, descriptions verbatim.
  return {
      {"dns", "DNS analysis (dns.bro)", true},
      {"ftp", "FTP analysis (ftp.bro)", true},
      {"http-body", "HTTP body analysis (http-body.bro).", true},
      {"http-request", "Client-side HTTP analysis only (http-request.bro)", true},
      {"http-reply", "Client- and server-side HTTP analysis (http-request.bro/http-reply.bro)",
       true},
      {"http-header", "HTTP header analysis (http-headers.bro)", true},
      {"scan", "Scan detection (scan.bro)", true},
      {"smtp", "SMTP analysis (smtp.bro)", true},
  };
}

std::vector<AnalysisType> parse_analysis(std::string_view text, const std::string& file,
                                         Diagnostics& diags) {
  std::vector<AnalysisType> types = default_analysis();
  std::map<std::string, int> seen;  // name -> line
  detail::for_each_line(text, [&](int number, std::string_view raw) {
    // No trailing comments here: a description may contain " #".
    const std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#') return;
    const ParsedLine p = split_line(line);
    const auto it = std::find_if(types.begin(), types.end(),
                                 [&](const AnalysisType& t) { return iequals(t.name, p.name); });
    if (it == types.end()) {
      return diags.error(file, number,
                         "unknown analysis type '" + p.name + "' (known: " + known_names() + ")");
    }
    if (p.flag != "0" && p.flag != "1") {
      return diags.error(
          file, number,
          "invalid flag '" + p.flag + "' for analysis type '" + it->name + "' (expected 0 or 1)");
    }
    if (const auto [first, inserted] = seen.emplace(it->name, number); !inserted) {
      diags.warning(file, number,
                    "duplicate analysis type '" + it->name + "' (first on line " +
                        std::to_string(first->second) + "); the last line wins");
    }
    it->enabled = p.flag == "1";
    if (!p.description.empty()) it->description = p.description;
  });
  return types;
}

std::string render_analysis(const std::vector<AnalysisType>& types) {
  std::string out =
      "# Kinds of analysis that can be switched on and off at run time (the shell's\n"
      "# `analysis enable|disable <type>`, applied by `update`).\n"
      "# Format: <type> <1=enabled|0=disabled> <description>\n";
  for (const AnalysisType& t : types) {
    out += t.name + " " + (t.enabled ? "1" : "0");
    if (!t.description.empty()) out += " " + t.description;
    out += "\n";
  }
  return out;
}

}  // namespace bc::config
