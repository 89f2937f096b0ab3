#include "node/script/evaluator.h"

#include <algorithm>
#include <limits>

namespace bc::node::script {
namespace {

TypeSpec type_of(const Value& v) {
  return {v.type(), v.element_type()};
}

std::string where(const std::string& file, Location at) {
  return file + ":" + std::to_string(at.line) + ":" + std::to_string(at.column);
}

bool is_numeric(Type t) {
  return t == Type::kCount || t == Type::kInt || t == Type::kDouble;
}

// Bro's arithmetic promotion, the only implicit conversion: count → int → double.
std::optional<Value> promote(const Value& v, Type to) {
  if (v.type() == to) return v;
  if (v.type() == Type::kCount && to == Type::kInt) {
    if (v.as_count() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      return std::nullopt;
    return Value::integer(static_cast<std::int64_t>(v.as_count()));
  }
  if (to == Type::kDouble && v.type() == Type::kCount)
    return Value::real(static_cast<double>(v.as_count()));
  if (to == Type::kDouble && v.type() == Type::kInt)
    return Value::real(static_cast<double>(v.as_int()));
  return std::nullopt;
}

// The type a mixed numeric set literal is promoted to; nullopt if the types do not mix.
std::optional<Type> common_type(Type a, Type b) {
  if (a == b) return a;
  if (!is_numeric(a) || !is_numeric(b)) return std::nullopt;
  return (a == Type::kDouble || b == Type::kDouble) ? Type::kDouble : Type::kInt;
}

}  // namespace

Value zero_value(const TypeSpec& type) {
  switch (type.type) {
    case Type::kBool:
      return Value::boolean(false);
    case Type::kCount:
      return Value::count(0);
    case Type::kInt:
      return Value::integer(0);
    case Type::kDouble:
      return Value::real(0);
    case Type::kInterval:
      return Value::interval(0);
    case Type::kString:
      return Value::string("");
    case Type::kAddr:
      return Value::addr("0.0.0.0");
    case Type::kSubnet:
      return Value::subnet("0.0.0.0/0");
    case Type::kPort:
      return Value::port(Port{0, Port::kUnknown});
    case Type::kSet:
      break;
  }
  return Value::set(type.element);
}

void Evaluator::error(Location at, std::string message) {
  errors_.push_back({file_, at.line, at.column, std::move(message)});
}

void Evaluator::run(const std::string& file, const std::vector<Statement>& statements,
                    const LoadFn& load) {
  // A file loaded from the middle of another continues that file in its own module.
  const std::string outer_file = file_;
  const std::string outer_module = module_;
  file_ = file;
  module_ = "GLOBAL";
  for (const Statement& s : statements) {
    switch (s.kind) {
      case Statement::kLoad:
        load(file_, s);
        file_ = file;  // the loader ran other files in between
        break;
      case Statement::kModule:
        module_ = s.name;
        break;
      case Statement::kDecl:
        declare(s);
        break;
      case Statement::kRedef:
        redefine(s);
        break;
    }
  }
  file_ = outer_file;
  module_ = outer_module;
}

std::string Evaluator::qualify(const std::string& name) const {
  if (name.rfind("GLOBAL::", 0) == 0) return name.substr(8);
  if (name.find("::") != std::string::npos || module_ == "GLOBAL") return name;
  return module_ + "::" + name;
}

std::string Evaluator::resolve(const std::string& name) const {
  const std::string own = qualify(name);
  if (globals_.entry(own) != nullptr || poisoned_.count(own) != 0) return own;
  if (name.find("::") == std::string::npos) return name;  // a GLOBAL id seen from a module
  return own;
}

void Evaluator::declare(const Statement& s) {
  const std::string id = qualify(s.name);
  if (poisoned_.count(id) != 0) return;
  if (const Globals::Entry* old = globals_.entry(id)) {
    error(s.at, "redeclaration of '" + id + "' (first declared at " + old->declared_at + ")");
    return;
  }
  if (s.broken) {
    poisoned_.insert(id);
    return;
  }
  if (s.is_const && !s.value) {
    error(s.at, "constant '" + id + "' needs an initial value");
    poisoned_.insert(id);
    return;
  }
  if (!s.type && !s.value) {
    error(s.at, "'" + id + "' needs a type or an initial value");
    poisoned_.insert(id);
    return;
  }
  std::optional<Value> v = s.value ? eval(*s.value, s.type, id) : zero_value(*s.type);
  // With a declared type the id stays usable (redefs of it are still checked).
  if (!v && s.type) v = zero_value(*s.type);
  if (!v) {
    poisoned_.insert(id);
    return;
  }
  globals_.put(id, Globals::Entry{std::move(*v), s.is_const, s.redef_attr, where(file_, s.at)});
}

void Evaluator::redefine(const Statement& s) {
  const std::string id = resolve(s.name);
  if (poisoned_.count(id) != 0) return;
  const Globals::Entry* entry = globals_.entry(id);
  if (entry == nullptr) {
    error(s.at, "redef of unknown identifier '" + s.name + "'");
    return;
  }
  if (!entry->redef) {
    error(s.at, "'" + id + "' is not redefinable (declared without &redef at " +
                    entry->declared_at + ")");
    return;
  }
  if (s.op != Statement::kAssign) return change_set(s, id, *entry);
  if (std::optional<Value> v = eval(*s.value, type_of(entry->value), id))
    (void)globals_.assign(id, std::move(*v));
}

void Evaluator::change_set(const Statement& s, const std::string& id, const Globals::Entry& entry) {
  const char* op = s.op == Statement::kAdd ? "+=" : "-=";
  if (entry.value.type() != Type::kSet) {
    error(s.at, std::string("'") + op + "' needs a set, but '" + id + "' is " +
                    type_of(entry.value).name());
    return;
  }
  const TypeSpec set_type = type_of(entry.value);
  const TypeSpec element{set_type.element, set_type.element};
  // `redef s += { a, b };`, another set id, or (a convenience) a single element.
  std::optional<Value> change;
  if (s.value->kind == Expr::kSet) {
    change = eval(*s.value, set_type, id);
  } else if (std::optional<Value> v = eval(*s.value, std::nullopt, id)) {
    change = v->type() == Type::kSet ? coerce(*v, set_type, s.value->at, id)
                                     : coerce(*v, element, s.value->at, id);
  }
  if (!change) return;
  std::vector<Value> add =
      change->type() == Type::kSet ? change->as_set() : std::vector<Value>{*change};
  std::vector<Value> elements = entry.value.as_set();
  if (s.op == Statement::kAdd) {
    elements.insert(elements.end(), add.begin(), add.end());
  } else {
    const Value removed = Value::set(set_type.element, std::move(add));
    std::erase_if(elements, [&](const Value& v) { return removed.contains(v); });
  }
  (void)globals_.assign(id, Value::set(set_type.element, std::move(elements)));
}

std::optional<Value> Evaluator::eval(const Expr& e, const std::optional<TypeSpec>& expected,
                                     const std::string& target) {
  if (e.kind == Expr::kSet) return eval_set(e, expected, target);
  Value v = e.literal;
  if (e.kind == Expr::kId) {
    const std::string id = resolve(e.id);
    if (poisoned_.count(id) != 0) return std::nullopt;
    const Value* found = globals_.find(id);
    if (found == nullptr) {
      error(e.at, "unknown identifier '" + e.id + "'");
      return std::nullopt;
    }
    v = *found;
  }
  if (!expected) return v;
  return coerce(v, *expected, e.at, target);
}

std::optional<Value> Evaluator::eval_set(const Expr& e, const std::optional<TypeSpec>& expected,
                                         const std::string& target) {
  if (expected && expected->type != Type::kSet) {
    error(e.at, "type mismatch for '" + target + "': expected " + expected->name() + ", got a set");
    return std::nullopt;
  }
  std::optional<TypeSpec> element;
  if (expected) element = TypeSpec{expected->element, expected->element};
  std::vector<Value> values;
  bool ok = true;
  for (const Expr& x : e.elements) {
    if (x.kind == Expr::kSet) {
      error(x.at, "sets of sets are not supported");
      ok = false;
      continue;
    }
    std::optional<Value> v = eval(x, element, "element of '" + target + "'");
    if (!v) {
      ok = false;
    } else if (v->type() == Type::kSet) {
      error(x.at, "sets of sets are not supported");
      ok = false;
    } else {
      values.push_back(std::move(*v));
    }
  }
  if (!ok) return std::nullopt;
  if (element) return Value::set(element->type, std::move(values));
  if (values.empty()) {
    error(e.at,
          "cannot tell the element type of an empty set; declare the type, as in "
          "'global s: set[port] = {};'");
    return std::nullopt;
  }
  Type common = values.front().type();
  for (std::size_t i = 1; i < values.size(); ++i) {
    const std::optional<Type> t = common_type(common, values[i].type());
    if (!t) {
      error(e.elements[i].at, "set elements of different types: " + std::string(type_name(common)) +
                                  " and " + std::string(type_name(values[i].type())));
      return std::nullopt;
    }
    common = *t;
  }
  for (Value& v : values)
    v = *promote(v, common);
  return Value::set(common, std::move(values));
}

std::optional<Value> Evaluator::coerce(const Value& v, const TypeSpec& expected, Location at,
                                       const std::string& target) {
  if (type_of(v) == expected) return v;
  if (v.type() == Type::kSet && expected.type == Type::kSet) {
    std::vector<Value> elements;
    for (const Value& x : v.as_set()) {
      std::optional<Value> p = promote(x, expected.element);
      if (!p) break;
      elements.push_back(std::move(*p));
    }
    if (elements.size() == v.as_set().size()) return Value::set(expected.element, elements);
  } else if (std::optional<Value> p = promote(v, expected.type); p && expected.type != Type::kSet) {
    return p;
  }
  if (v.type() == Type::kCount && expected.type == Type::kInt) {
    error(at, "value out of range for '" + target + "': " + v.print() + " does not fit an int");
    return std::nullopt;
  }
  error(at, "type mismatch for '" + target + "': expected " + expected.name() + ", got " +
                type_of(v).name());
  return std::nullopt;
}

}  // namespace bc::node::script
