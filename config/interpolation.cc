#include "config/interpolation.h"

#include <algorithm>
#include <utility>

#include "common/strings.h"

namespace bc::config::detail {

Interpolator::Interpolator(std::map<std::string, RawOption> options, std::string file,
                           LayerCheck check, Diagnostics& diags)
    : options_(std::move(options)),
      file_(std::move(file)),
      check_(std::move(check)),
      diags_(diags) {}

std::map<std::string, ResolvedValue> Interpolator::resolve_all() {
  std::map<std::string, ResolvedValue> out;
  for (const auto& [key, option] : options_) {
    if (resolve(key)) {
      out[option.name] = state_[key].resolved;
    } else {
      state_[key].mark = Mark::kFailed;  // at top level nothing outer can change the outcome
    }
  }
  return out;
}

std::optional<std::string> Interpolator::resolve(const std::string& key) {
  State& state = state_[key];
  switch (state.mark) {
    case Mark::kDone:
      return state.resolved.value;
    case Mark::kFailed:
      return std::nullopt;
    case Mark::kInProgress:
      return std::nullopt;  // the caller reports the cycle; see expand_reference
    case Mark::kUnvisited:
      break;
  }
  state.mark = Mark::kInProgress;
  stack_.push_back(key);
  const int cycles_before = cycles_seen_;
  const int depth_failures_before = depth_failures_;
  std::optional<std::string> value = try_layers(key);
  stack_.pop_back();
  if (value) {
    state_[key].mark = Mark::kDone;
  } else {
    // A failure caused by a cycle through an outer option is not final: that option may
    // still fall back to a valid layer, so a later reference resolves this one afresh.
    // Likewise a failure only because resolution entered this option deep in a chain.
    const bool final = cycles_seen_ == cycles_before && depth_failures_ == depth_failures_before;
    state_[key].mark = final ? Mark::kFailed : Mark::kUnvisited;
  }
  return value;
}

std::optional<std::string> Interpolator::try_layers(const std::string& key) {
  const RawOption& option = options_.at(key);
  for (const ValueLayer& layer : option.layers) {
    std::optional<std::string> value = layer.literal
                                           ? std::optional<std::string>(layer.text)
                                           : expand(layer.text, Context{option.name, layer.line});
    // A value computed while this option was part of a cycle depends on itself.
    const bool poisoned = poisoned_.erase(key) > 0;
    if (!value || poisoned) continue;
    if (check_) {
      if (std::optional<std::string> error = check_(option, *value)) {
        report(layer.line, *error);
        continue;
      }
    }
    state_[key].resolved = ResolvedValue{*value, layer.line};
    return value;
  }
  return std::nullopt;
}

namespace {

// Index of the '}' closing the "${" whose name starts at `from`, or npos.
std::size_t matching_brace(std::string_view text, std::size_t from) {
  int depth = 1;
  for (std::size_t i = from; i < text.size(); ++i) {
    if (text[i] == '{') ++depth;
    if (text[i] == '}' && --depth == 0) return i;
  }
  return std::string_view::npos;
}

}  // namespace

std::optional<std::string> Interpolator::expand(std::string_view text, const Context& ctx) {
  if (depth_ >= kMaxReferenceDepth) {
    ++depth_failures_;
    report(ctx.line, "option '" + ctx.option + "': references nested deeper than " +
                         std::to_string(kMaxReferenceDepth));
    return std::nullopt;
  }
  ++depth_;
  std::optional<std::string> out = expand_text(text, ctx);
  --depth_;
  return out;
}

std::nullopt_t Interpolator::too_long(const Context& ctx) {
  report(ctx.line, "option '" + ctx.option + "': value longer than " +
                       std::to_string(kMaxValueBytes) + " bytes after interpolation");
  return std::nullopt;
}

std::optional<std::string> Interpolator::expand_text(std::string_view text, const Context& ctx) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '$' || i + 1 >= text.size() || text[i + 1] != '{') {
      out += text[i++];
      continue;
    }
    const std::size_t close = matching_brace(text, i + 2);
    if (close == std::string_view::npos) {
      report(ctx.line,
             "option '" + ctx.option + "': unterminated '${' in value '" + std::string(text) + "'");
      return std::nullopt;
    }
    std::optional<std::string> value = expand_reference(text.substr(i + 2, close - i - 2), ctx);
    if (!value) return std::nullopt;
    // Checked per piece, so that out never grows past the limit.
    if (out.size() + value->size() > kMaxValueBytes) return too_long(ctx);
    out += *value;
    i = close + 1;
  }
  if (out.size() > kMaxValueBytes) return too_long(ctx);
  return out;
}

std::optional<std::string> Interpolator::expand_reference(std::string_view inner,
                                                          const Context& ctx) {
  const std::size_t colon = inner.find(':');
  const std::string name(trim(inner.substr(0, colon)));
  const bool has_default = colon != std::string_view::npos;
  const std::string_view fallback = has_default ? inner.substr(colon + 1) : std::string_view();
  if (name.empty()) {
    report(ctx.line,
           "option '" + ctx.option + "': empty reference '${" + std::string(inner) + "}'");
    return std::nullopt;
  }
  const std::string key = to_lower(name);
  if (options_.count(key) == 0) {
    if (has_default) return expand(fallback, ctx);
    report(ctx.line, "option '" + ctx.option + "': reference to unknown option '" + name +
                         "' (write ${" + name + ":default} to give a default)");
    return std::nullopt;
  }
  if (state_[key].mark == Mark::kInProgress) {
    report_cycle(key, ctx);
    return std::nullopt;
  }
  std::optional<std::string> value = resolve(key);
  if (value && value->empty() && has_default) return expand(fallback, ctx);
  return value;
}

void Interpolator::report_cycle(const std::string& key, const Context& ctx) {
  ++cycles_seen_;
  const auto start = std::find(stack_.begin(), stack_.end(), key);
  std::vector<std::string> names;
  for (auto it = start; it != stack_.end(); ++it) {
    poisoned_.insert(*it);
    names.push_back(options_.at(*it).name);
  }
  names.push_back(options_.at(key).name);
  report(ctx.line, "interpolation cycle: " + join(names, " -> "));
}

void Interpolator::report(int line, const std::string& message) {
  // A cycle is met again from each of its members' fallbacks; say it once.
  if (!reported_.insert(message).second) return;
  diags_.error(file_, line, message);
}

}  // namespace bc::config::detail
