#pragma once
// Private to the config module: resolution of ${Option} and ${Option:default} references
// in cluster.cfg values, with cycle detection and fallback through value layers.

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostics.h"

namespace bc::config::detail {

// Bounds on what one value may expand to. References nest by recursion (an option whose
// value refers to one that refers to another, or a default inside a default), and a
// value that refers twice to one that refers twice to ... doubles per level; without
// these, a short hostile cluster.cfg overflows the stack or asks for gigabytes.
inline constexpr int kMaxReferenceDepth = 32;
inline constexpr std::size_t kMaxValueBytes = 64 * 1024;

// One candidate value of an option.
struct ValueLayer {
  std::string text;
  int line = 0;          // line in the file; 0 for presets and table defaults
  bool literal = false;  // presets are used verbatim (a path may contain "${")
};

struct RawOption {
  std::string name;                // canonical spelling
  std::vector<ValueLayer> layers;  // highest precedence first: file, preset, default
};

struct ResolvedValue {
  std::string value;
  int line = 0;  // line of the layer that won
};

// Checks a fully expanded candidate; returns an error message to reject it (the next
// layer is then tried), nullopt to accept it.
using LayerCheck =
    std::function<std::optional<std::string>(const RawOption&, const std::string& value)>;

// Resolves every option once. A layer whose text has an unknown reference, a malformed
// reference, a cycle, or that `check` rejects is reported and the next layer is used, so
// a known option always ends up with a valid value (its table default at worst).
class Interpolator {
 public:
  // `options` is keyed by lower-case name.
  Interpolator(std::map<std::string, RawOption> options, std::string file, LayerCheck check,
               Diagnostics& diags);

  // Canonical name -> resolved value; options without an acceptable layer are absent.
  std::map<std::string, ResolvedValue> resolve_all();

 private:
  enum class Mark { kUnvisited, kInProgress, kDone, kFailed };
  struct State {
    Mark mark = Mark::kUnvisited;
    ResolvedValue resolved;
  };
  struct Context {
    const std::string& option;  // whose value is being expanded
    int line;
  };

  std::optional<std::string> resolve(const std::string& key);
  std::optional<std::string> try_layers(const std::string& key);
  std::optional<std::string> expand(std::string_view text, const Context& ctx);
  std::optional<std::string> expand_text(std::string_view text, const Context& ctx);
  std::nullopt_t too_long(const Context& ctx);
  std::optional<std::string> expand_reference(std::string_view inner, const Context& ctx);
  void report_cycle(const std::string& key, const Context& ctx);
  void report(int line, const std::string& message);

  std::map<std::string, RawOption> options_;
  std::string file_;
  LayerCheck check_;
  Diagnostics& diags_;
  std::map<std::string, State> state_;
  std::vector<std::string> stack_;  // keys being resolved, outermost first
  std::set<std::string> poisoned_;  // keys found on a cycle while being resolved
  std::set<std::string> reported_;  // messages already reported
  int cycles_seen_ = 0;
  int depth_ = 0;           // expand() calls in progress
  int depth_failures_ = 0;  // expansions cut off at kMaxReferenceDepth
};

}  // namespace bc::config::detail
