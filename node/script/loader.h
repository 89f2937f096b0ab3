#pragma once
// Loading a node's policy scripts: resolving names through the search path (with
// Bro's Prefixes rule), parsing and evaluating the declarations into the global ids the
// engine reads. Single-threaded; a Program is a plain value, copied freely.
// The language and the resolution rules are described in docs/SCRIPTS.md.

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "config/cluster_config.h"
#include "node/script/diagnostic.h"
#include "node/script/value.h"

namespace bc::node::script {

struct LoadOptions {
  std::vector<std::string> search_path;  // dirs, in order
  std::vector<std::string> prefixes;     // Prefixes option, split at ':'/' '
};

// The global ids a program declared, with their final values (after every redef).
class Globals {
 public:
  struct Entry {
    Value value;
    bool is_const = false;
    bool redef = false;
    std::string declared_at;  // "file:line:column" of the declaration
  };

  // "Scan::addr_scan_threshold"; ids of module GLOBAL are unqualified. nullptr if unknown.
  const Value* find(std::string_view qualified_id) const;
  bool is_redef(std::string_view id) const;
  bool is_const(std::string_view id) const;
  std::vector<std::string> ids() const;  // sorted

  const Entry* entry(std::string_view id) const;
  // Declares or replaces an id (used by the evaluator, and by the node to fill in values
  // from outside the scripts, such as Site::local_nets from networks.cfg).
  void put(std::string id, Entry entry);
  // Replaces the value of a declared id. Fails (invalid_argument) for an unknown id or a
  // value of another type.
  Status assign(std::string_view id, Value value);

 private:
  std::map<std::string, Entry, std::less<>> entries_;
};

struct Program {
  std::vector<std::string> files;  // every file loaded, load order, absolute paths
  Globals globals;
};

// Loads `names` (as in CLUSTER_SCRIPTS: "cluster-worker", "local-worker.bro", paths) in
// order. Every problem is appended to `errors`; the result is an error (kParse, or
// kNotFound when only files were missing) whenever `errors` gained an entry.
Result<Program> load_scripts(const std::vector<std::string>& names, const LoadOptions& options,
                             std::vector<Diagnostic>& errors);

// Search path: each dir of SitePolicyPath (':'-separated), then PolicyDir. Prefixes
// from the Prefixes option. See docs/SCRIPTS.md, "Where scripts are found".
LoadOptions load_options_for(const config::ClusterConfig& options);

struct UpdatePlan {
  std::vector<std::string> changed;  // ids whose value changes live, sorted
  // id, reason (not &redef, type changed, new id, removed id), sorted by id
  std::vector<std::pair<std::string, std::string>> refused;
};

// What a live `update` from `running` to `fresh` (the re-read scripts) can do: values of
// &redef ids change in place; anything else needs a restart and is refused with a reason.
UpdatePlan plan_update(const Globals& running, const Globals& fresh);

}  // namespace bc::node::script
