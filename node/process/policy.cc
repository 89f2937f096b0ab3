#include "node/process/policy.h"

#include <algorithm>

#include "common/file_util.h"
#include "common/strings.h"
#include "node/process/node_settings.h"

namespace bc::node {
namespace {

Result<std::vector<config::AnalysisType>> read_analysis(const std::string& path) {
  if (path.empty()) return config::default_analysis();
  Result<std::string> text = read_file(path, 1 << 20);
  if (!text) {
    if (text.status().code() == ErrorCode::kNotFound) return config::default_analysis();
    return text.status();
  }
  config::Diagnostics diags;
  std::vector<config::AnalysisType> types = config::parse_analysis(*text, path, diags);
  if (diags.has_errors()) return Status::parse_error(diags.render_all());
  return types;
}

Result<script::Program> load_program(const PolicySources& sources,
                                     std::vector<script::Diagnostic>& errors) {
  Result<script::Program> program = script::load_scripts(sources.names, sources.options, errors);
  if (program) fill_local_nets(program->globals, sources.networks);
  return program;
}

std::string join_diagnostics(const std::vector<script::Diagnostic>& errors) {
  std::vector<std::string> lines;
  for (const auto& d : errors)
    lines.push_back(d.to_string());
  return join(lines, "\n");
}

bool is_enabled(const std::vector<config::AnalysisType>& dat, const std::string& type) {
  for (const auto& a : dat) {
    if (a.name == type) return a.enabled;
  }
  return true;
}

void set_enabled(std::vector<config::AnalysisType>& dat, const std::string& type, bool on) {
  for (auto& a : dat) {
    if (a.name == type) a.enabled = on;
  }
}

// The analysis types an unsupported-type message is about ("... analysis type 'ftp' ...").
std::string type_in(const std::string& problem) {
  const std::string key = "analysis type '";
  const auto at = problem.find(key);
  if (at == std::string::npos) return {};
  const auto end = problem.find('\'', at + key.size());
  return problem.substr(at + key.size(), end - at - key.size());
}

// An update must not start an analysis the engine cannot do: such a change of
// Analysis::loaded or of a toggle is refused and the old value kept.
void refuse_unsupported(Policy& next, const Policy& running, UpdateResult& out) {
  SettingsInput input{&next.program, next.analysis, {}};
  std::vector<std::string> problems = unsupported_analyses(input);
  if (problems.empty()) return;
  auto changed = std::find(out.changed.begin(), out.changed.end(), "Analysis::loaded");
  if (changed != out.changed.end()) {
    out.changed.erase(changed);
    (void)next.program.globals.assign("Analysis::loaded",
                                      *running.program.globals.find("Analysis::loaded"));
    out.refused.emplace_back("Analysis::loaded", problems.front());
    problems = unsupported_analyses(input);
  }
  for (const std::string& p : problems) {
    const std::string type = type_in(p);
    set_enabled(next.analysis, type, is_enabled(running.analysis, type));
    out.refused.emplace_back("analysis:" + type, p);
  }
}

}  // namespace

Result<Policy> load_policy(const PolicySources& sources, std::vector<script::Diagnostic>& errors) {
  Result<script::Program> program = load_program(sources, errors);
  if (!program) return program.status();
  Result<std::vector<config::AnalysisType>> analysis = read_analysis(sources.analysis_path);
  if (!analysis) return analysis.status();
  Policy policy{std::move(*program), std::move(*analysis), {}};
  Result<EngineSettings> settings =
      build_settings({&policy.program, policy.analysis, sources.networks});
  if (!settings) return settings.status();
  policy.settings = std::move(*settings);
  return policy;
}

Result<UpdateResult> update_policy(Policy& running, const PolicySources& sources) {
  std::vector<script::Diagnostic> errors;
  Result<script::Program> fresh = load_program(sources, errors);
  if (!fresh) {
    return Status(ErrorCode::kParse,
                  "the scripts do not load; nothing applied:\n" + join_diagnostics(errors));
  }
  Result<std::vector<config::AnalysisType>> analysis = read_analysis(sources.analysis_path);
  if (!analysis) return analysis.status();

  UpdateResult out;
  const script::UpdatePlan plan = script::plan_update(running.program.globals, fresh->globals);
  Policy next = running;
  for (const std::string& id : plan.changed) {
    if (Status s = next.program.globals.assign(id, *fresh->globals.find(id)); !s) {
      out.refused.emplace_back(id, s.message());
      continue;
    }
    out.changed.push_back(id);
  }
  out.refused.insert(out.refused.end(), plan.refused.begin(), plan.refused.end());
  next.analysis = std::move(*analysis);
  refuse_unsupported(next, running, out);
  for (const auto& a : next.analysis) {
    if (is_enabled(running.analysis, a.name) != a.enabled)
      out.analyses.emplace_back(a.name, a.enabled);
  }
  Result<EngineSettings> settings =
      build_settings({&next.program, next.analysis, sources.networks});
  if (!settings) return settings.status();
  next.settings = std::move(*settings);
  next.settings.uid_seed = running.settings.uid_seed;
  running = std::move(next);
  std::sort(out.refused.begin(), out.refused.end());
  return out;
}

}  // namespace bc::node
