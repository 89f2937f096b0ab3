#pragma once
// etc/analysis.dat: the kinds of analysis that can be switched on and off at run time
// (the manual's `analysis` command). Line format: `<name> <0|1> <description...>`.

#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostics.h"

namespace bc::config {

struct AnalysisType {
  std::string name;  // dns, ftp, http-body, http-request, http-reply, http-header, scan, smtp
  std::string description;
  bool enabled = true;
};

// The manual's table with every type enabled.
std::vector<AnalysisType> default_analysis();
std::vector<AnalysisType> parse_analysis(std::string_view text, const std::string& file,
                                         Diagnostics& diags);
std::string render_analysis(const std::vector<AnalysisType>& types);

}  // namespace bc::config
