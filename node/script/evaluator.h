#pragma once
// Applies parsed statements to the program's Globals: module scoping, declarations,
// redefs and type checks. @load statements are handed back to the loader, which knows
// the search path. One Evaluator serves a whole load_scripts() call, because ids whose
// declaration was broken stay "poisoned" across files (later uses are not reported again).

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "node/script/ast.h"
#include "node/script/diagnostic.h"
#include "node/script/loader.h"

namespace bc::node::script {

class Evaluator {
 public:
  using LoadFn = std::function<void(const std::string& file, const Statement& load)>;

  Evaluator(Globals& globals, std::vector<Diagnostic>& errors)
      : globals_(globals), errors_(errors) {}

  // Runs one file's statements in order; the module is GLOBAL at the start of each file.
  void run(const std::string& file, const std::vector<Statement>& statements, const LoadFn& load);

 private:
  void declare(const Statement& s);
  void redefine(const Statement& s);
  void change_set(const Statement& s, const std::string& id, const Globals::Entry& entry);
  std::optional<Value> eval(const Expr& e, const std::optional<TypeSpec>& expected,
                            const std::string& target);
  std::optional<Value> eval_set(const Expr& e, const std::optional<TypeSpec>& expected,
                                const std::string& target);
  std::optional<Value> coerce(const Value& v, const TypeSpec& expected, Location at,
                              const std::string& target);
  std::string qualify(const std::string& name) const;
  std::string resolve(const std::string& name) const;
  void error(Location at, std::string message);

  Globals& globals_;
  std::vector<Diagnostic>& errors_;
  std::set<std::string> poisoned_;
  std::string file_;
  std::string module_ = "GLOBAL";
};

// The value an id declared with a type and no initialiser starts with.
Value zero_value(const TypeSpec& type);

}  // namespace bc::node::script
