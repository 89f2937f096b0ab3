#include "node/script/parser.h"

#include <limits>

#include "node/script/lexer.h"
#include "node/script/literals.h"

namespace bc::node::script {
namespace {

// Set literals and export blocks nest by recursion. Neither nests in a real policy (sets
// of sets are not supported, export blocks do not nest), so a modest bound costs nothing
// and keeps a hostile "{{{{..." of a few hundred kilobytes from overflowing the stack.
constexpr int kMaxNesting = 64;

std::optional<Type> scalar_type(std::string_view name) {
  static const std::pair<std::string_view, Type> kTypes[] = {
      {"bool", Type::kBool},     {"count", Type::kCount},       {"int", Type::kInt},
      {"double", Type::kDouble}, {"interval", Type::kInterval}, {"string", Type::kString},
      {"addr", Type::kAddr},     {"subnet", Type::kSubnet},     {"port", Type::kPort},
  };
  for (const auto& [n, t] : kTypes) {
    if (n == name) return t;
  }
  return std::nullopt;
}

// Bro types outside the subset: named so that the message says "unsupported", not
// "unknown".
bool is_bro_type(std::string_view name) {
  static const std::string_view kOthers[] = {"table", "vector", "record", "time",   "pattern",
                                             "enum",  "file",   "any",    "opaque", "function",
                                             "event", "hook",   "void"};
  for (const auto n : kOthers) {
    if (n == name) return true;
  }
  return false;
}

class Parser {
 public:
  Parser(std::vector<Token> tokens, const std::string& file, std::vector<Diagnostic>& errors)
      : tokens_(std::move(tokens)), file_(file), errors_(errors) {}

  std::vector<Statement> run() {
    while (!at(Tok::kEnd))
      statement();
    return std::move(out_);
  }

 private:
  const Token& cur() const { return tokens_[i_]; }
  const Token& ahead(std::size_t n) const { return tokens_[std::min(i_ + n, tokens_.size() - 1)]; }
  bool at(Tok kind) const { return cur().kind == kind; }
  bool at_punct(std::string_view p) const { return at(Tok::kPunct) && cur().text == p; }
  bool at_word(std::string_view w) const { return at(Tok::kIdent) && cur().text == w; }
  void next() {
    if (!at(Tok::kEnd)) ++i_;
  }
  static Location loc(const Token& t) { return {t.line, t.column}; }

  void error(const Token& at, std::string message) {
    // A kBad token was reported by the lexer; a second message about it is noise.
    if (at.kind == Tok::kBad) return;
    errors_.push_back({file_, at.line, at.column, std::move(message)});
  }
  bool expect_punct(std::string_view p, std::string_view context) {
    if (at_punct(p)) {
      next();
      return true;
    }
    error(cur(), "syntax error: expected '" + std::string(p) + "' " + std::string(context) +
                     ", got " + describe(cur()));
    return false;
  }

  bool starts_statement() const {
    if (at(Tok::kDirective)) return true;
    return at_word("const") || at_word("global") || at_word("redef") || at_word("module") ||
           at_word("export");
  }

  // Skips the rest of a broken statement: through its ';', or through the block that
  // ends it (event handlers, export), or up to the next line that starts a statement.
  void recover() {
    int depth = 0;
    const int line = cur().line;
    while (!at(Tok::kEnd)) {
      if (depth == 0 && cur().line != line && starts_statement()) return;
      if (at_punct(";") && depth == 0) {
        next();
        return;
      }
      if (at_punct("{")) ++depth;
      if (at_punct("}")) {
        if (depth == 0) return;  // closes an enclosing export block
        if (--depth == 0) {
          next();
          if (at_punct(";")) next();
          return;
        }
      }
      next();
    }
  }

  void statement() {
    const Token& t = cur();
    if (t.kind == Tok::kDirective) return directive();
    if (t.kind == Tok::kPunct && t.text == ";") return next();
    if (t.kind == Tok::kBad) return recover();
    if (t.kind != Tok::kIdent) {
      error(t, "syntax error: unexpected " + describe(t));
      next();
      return recover();
    }
    if (t.text == "module") return module_statement();
    if (t.text == "export") return export_block();
    if (t.text == "const" || t.text == "global") return declaration();
    if (t.text == "redef") return redef();
    error(t, "unsupported statement " + describe(t) +
                 ": policy scripts here only declare and redefine values");
    next();
    recover();
  }

  void directive() {
    const Token& t = cur();
    if (t.text != "load") {
      error(t, "unsupported directive '@" + t.text + "'");
      return next();
    }
    if (t.arg.empty()) {
      error(t, "@load needs a script name");
      return next();
    }
    Statement s;
    s.kind = Statement::kLoad;
    s.at = loc(t);
    s.name = t.arg;
    out_.push_back(std::move(s));
    next();
  }

  void module_statement() {
    next();
    if (!at(Tok::kIdent) || cur().text.find("::") != std::string::npos) {
      error(cur(), "syntax error: expected a module name after 'module', got " + describe(cur()));
      return recover();
    }
    Statement s;
    s.kind = Statement::kModule;
    s.at = loc(cur());
    s.name = cur().text;
    next();
    if (!expect_punct(";", "after the module name")) return recover();
    out_.push_back(std::move(s));
  }

  void export_block() {
    if (nesting_ >= kMaxNesting) {
      error(cur(), "export blocks nested deeper than " + std::to_string(kMaxNesting));
      next();
      return recover();
    }
    next();
    if (!expect_punct("{", "after 'export'")) return recover();
    ++nesting_;
    while (!at(Tok::kEnd) && !at_punct("}"))
      statement();
    --nesting_;
    expect_punct("}", "at the end of the export block");
  }

  void declaration() {
    Statement s;
    s.kind = Statement::kDecl;
    s.is_const = cur().text == "const";
    const std::string keyword = cur().text;
    next();
    if (!at(Tok::kIdent)) {
      error(cur(),
            "syntax error: expected an identifier after '" + keyword + "', got " + describe(cur()));
      return recover();
    }
    s.name = cur().text;
    s.at = loc(cur());
    next();
    if (!declaration_rest(s)) {
      s.broken = true;
      recover();
    }
    out_.push_back(std::move(s));
  }

  bool declaration_rest(Statement& s) {
    if (at_punct(":")) {
      next();
      s.type = parse_type();
      if (!s.type) return false;
    }
    if (at_punct("=")) {
      next();
      s.value = parse_expr();
      if (!s.value) return false;
    }
    attributes(s, true);
    if (!at_punct(";")) {
      const bool complete = s.type || s.value;
      error(cur(), "syntax error: expected " + std::string(complete ? "" : "':', '=' or ") +
                       "';' in the declaration of '" + s.name + "', got " + describe(cur()));
      recover();
      return true;  // what was read stands
    }
    next();
    return true;
  }

  void attributes(Statement& s, bool in_declaration) {
    while (at(Tok::kAttr)) {
      if (cur().text == "redef" && in_declaration) {
        s.redef_attr = true;
      } else if (in_declaration) {
        error(cur(), "attribute &" + cur().text + " is not supported (only &redef)");
      } else {
        error(cur(), "attribute &" + cur().text + " is not allowed in a redef");
      }
      next();
      if (at_punct("=")) {  // &default = …: skip the attribute's value
        next();
        (void)parse_expr(false);
      }
    }
  }

  void redef() {
    next();
    if (at_word("enum") || at_word("record")) {
      error(cur(), "unsupported statement 'redef " + cur().text +
                       "': policy scripts here only redefine values");
      next();
      return recover();
    }
    if (!at(Tok::kIdent)) {
      error(cur(), "syntax error: expected an identifier after 'redef', got " + describe(cur()));
      return recover();
    }
    Statement s;
    s.kind = Statement::kRedef;
    s.name = cur().text;
    s.at = loc(cur());
    next();
    if (at_punct("=") || at_punct("+=") || at_punct("-=")) {
      s.op = cur().text == "=" ? Statement::kAssign
                               : (cur().text == "+=" ? Statement::kAdd : Statement::kRemove);
      next();
    } else {
      error(cur(), "syntax error: expected '=', '+=' or '-=' after 'redef " + s.name + "', got " +
                       describe(cur()));
      return recover();
    }
    s.value = parse_expr();
    if (!s.value) return recover();
    attributes(s, false);
    if (!expect_punct(";", "after the redef of '" + s.name + "'")) recover();
    out_.push_back(std::move(s));
  }

  std::optional<TypeSpec> parse_type() {
    if (!at(Tok::kIdent)) {
      error(cur(), "syntax error: expected a type, got " + describe(cur()));
      return std::nullopt;
    }
    const Token& t = cur();
    if (const auto scalar = scalar_type(t.text)) {
      next();
      return TypeSpec{*scalar, *scalar};
    }
    if (t.text == "set") {
      next();
      if (!expect_punct("[", "after 'set'")) return std::nullopt;
      const Token& e = cur();
      if (at_word("set")) {
        error(e, "sets of sets are not supported");
        return std::nullopt;
      }
      std::optional<TypeSpec> element = parse_type();
      if (!element) return std::nullopt;
      if (at_punct(",")) {
        error(cur(), "sets with more than one index type are not supported");
        return std::nullopt;
      }
      if (!expect_punct("]", "after the set's element type")) return std::nullopt;
      return TypeSpec{Type::kSet, element->type};
    }
    if (is_bro_type(t.text)) {
      error(t, "unsupported type '" + t.text + "' (the types here: bool, count, int, double, " +
                   "interval, string, addr, subnet, port and set[...] of them)");
    } else {
      error(t, "unknown type '" + t.text + "'");
    }
    return std::nullopt;
  }

  std::optional<Expr> parse_expr(bool report = true) {
    const Token& t = cur();
    Expr e;
    e.at = loc(t);
    switch (t.kind) {
      case Tok::kCount:
      case Tok::kDouble:
        return number(e, '+', false);
      case Tok::kString:
        e.literal = Value::string(t.text);
        break;
      case Tok::kAddr:
        e.literal = Value::addr(t.text);
        break;
      case Tok::kSubnet:
        e.literal = Value::subnet(t.text);
        break;
      case Tok::kPort:
        e.literal = Value::port(t.port);
        break;
      case Tok::kPunct:
        if (t.text == "-" || t.text == "+") {
          const char sign = t.text[0];
          next();
          if (!at(Tok::kCount) && !at(Tok::kDouble)) {
            if (report)
              error(cur(), "syntax error: expected a number after '" + std::string(1, sign) +
                               "', got " + describe(cur()));
            return std::nullopt;
          }
          return number(e, sign, true);
        }
        if (t.text == "{") return set_literal(e, "}", report);
        [[fallthrough]];
      default:
        if (t.kind == Tok::kIdent) return identifier(e, report);
        if (report) error(t, "syntax error: expected a value, got " + describe(t));
        return std::nullopt;
    }
    next();
    return e;
  }

  std::optional<Expr> identifier(Expr& e, bool report) {
    const std::string& name = cur().text;
    if (name == "T" || name == "F") {
      e.literal = Value::boolean(name == "T");
      next();
      return e;
    }
    if (name == "set" && ahead(1).kind == Tok::kPunct && ahead(1).text == "(") {
      next();
      return set_literal(e, ")", report);
    }
    e.kind = Expr::kId;
    e.id = name;
    next();
    return e;
  }

  // A count or double, signed (a signed count is an int, as in Bro), and an interval
  // when a time unit follows.
  std::optional<Expr> number(Expr& e, char sign, bool signed_literal) {
    const Token& t = cur();
    const bool negative = sign == '-';
    if (t.kind == Tok::kDouble) {
      e.literal = Value::real(negative ? -t.real : t.real);
    } else if (!signed_literal) {
      e.literal = Value::count(t.count);
    } else {
      const std::uint64_t limit =
          static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) + (negative ? 1 : 0);
      if (t.count > limit) {
        error(t, "int literal out of range '" + std::string(1, sign) + t.text + "'");
        return std::nullopt;
      }
      e.literal = Value::integer(negative ? static_cast<std::int64_t>(0 - t.count)
                                          : static_cast<std::int64_t>(t.count));
    }
    next();
    if (at(Tok::kIdent)) {
      if (const auto unit = interval_unit_seconds(cur().text)) {
        const double n = t.kind == Tok::kDouble ? t.real : static_cast<double>(t.count);
        e.literal = Value::interval((negative ? -n : n) * *unit);
        next();
      }
    }
    return e;
  }

  std::optional<Expr> set_literal(Expr& e, std::string_view close, bool report) {
    if (nesting_ >= kMaxNesting) {
      if (report) error(cur(), "sets nested deeper than " + std::to_string(kMaxNesting));
      return std::nullopt;
    }
    e.kind = Expr::kSet;
    next();  // '{' or '('
    while (!at_punct(close)) {
      ++nesting_;
      std::optional<Expr> element = parse_expr(report);
      --nesting_;
      if (!element) return std::nullopt;
      e.elements.push_back(std::move(*element));
      if (at_punct(",")) {
        next();
      } else if (!at_punct(close)) {
        if (report)
          error(cur(), "syntax error: expected ',' or '" + std::string(close) +
                           "' in the set, got " + describe(cur()));
        return std::nullopt;
      }
    }
    next();
    return e;
  }

  std::vector<Token> tokens_;
  std::size_t i_ = 0;
  const std::string& file_;
  std::vector<Diagnostic>& errors_;
  std::vector<Statement> out_;
  int nesting_ = 0;  // open set literals and export blocks
};

}  // namespace

std::vector<Statement> parse_script(std::string_view text, const std::string& file,
                                    std::vector<Diagnostic>& errors) {
  return Parser(tokenize(text, file, errors), file, errors).run();
}

}  // namespace bc::node::script
