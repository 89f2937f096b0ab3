#pragma once
// The statements of one script file as the parser reads them. Only what site policy
// needs: @load, module, declarations and redefs (docs/SCRIPTS.md, "Language").

#include <optional>
#include <string>
#include <vector>

#include "node/script/value.h"

namespace bc::node::script {

struct Location {
  int line = 0;
  int column = 0;
};

struct TypeSpec {
  Type type = Type::kBool;
  Type element = Type::kBool;  // sets only; equals type otherwise
  bool operator==(const TypeSpec&) const = default;
  std::string name() const { return type_name(type, element); }
};

// A literal, a set constructor ({…} or set(…)) or a reference to a global id.
struct Expr {
  enum Kind { kLiteral, kSet, kId };
  Kind kind = kLiteral;
  Location at;
  Value literal;
  std::vector<Expr> elements;
  std::string id;
};

struct Statement {
  enum Kind { kLoad, kModule, kDecl, kRedef };
  enum Op { kAssign, kAdd, kRemove };
  Kind kind = kLoad;
  Location at;       // of the statement's subject: the script name, module or id
  std::string name;  // script to load, module name, or id as written
  bool is_const = false;
  bool redef_attr = false;
  // The declaration could not be read completely: the id exists for the rest of the
  // program (so later uses do not cascade into more errors) but has no reliable value.
  bool broken = false;
  std::optional<TypeSpec> type;
  std::optional<Expr> value;
  Op op = kAssign;
};

}  // namespace bc::node::script
