#include "node/script/lexer.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstdlib>

#include "node/script/literals.h"

namespace bc::node::script {
namespace {

bool is_digit(char c) {
  return std::isdigit(static_cast<unsigned char>(c)) != 0;
}
bool is_xdigit(char c) {
  return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}
bool is_alpha(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_';
}
bool is_alnum(char c) {
  return is_alpha(c) || is_digit(c);
}
bool is_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

std::string printable(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7f) return std::string(1, c);
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\x%02x", u);
  return buf;
}

class Lexer {
 public:
  Lexer(std::string_view text, const std::string& file, std::vector<Diagnostic>& errors)
      : text_(text), file_(file), errors_(errors) {}

  std::vector<Token> run() {
    while (pos_ < text_.size()) {
      const char c = peek();
      if (is_space(c)) {
        advance();
      } else if (c == '#') {
        skip_line();
      } else {
        token();
      }
    }
    Token end;
    end.kind = Tok::kEnd;
    end.line = line_;
    end.column = col_;
    tokens_.push_back(end);
    return std::move(tokens_);
  }

 private:
  char peek(std::size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  void advance() {
    if (text_[pos_] == '\n') {
      ++line_;
      col_ = 1;
    } else {
      ++col_;
    }
    ++pos_;
  }
  void advance(std::size_t n) {
    for (std::size_t i = 0; i < n && pos_ < text_.size(); ++i)
      advance();
  }
  void skip_line() {
    while (pos_ < text_.size() && peek() != '\n')
      advance();
  }
  std::size_t span(std::size_t from, bool (*pred)(char)) const {
    std::size_t n = 0;
    while (from + n < text_.size() && pred(text_[from + n]))
      ++n;
    return n;
  }

  Token start(Tok kind) const {
    Token t;
    t.kind = kind;
    t.line = line_;
    t.column = col_;
    return t;
  }
  void error(const Token& at, std::string message) {
    errors_.push_back({file_, at.line, at.column, std::move(message)});
  }
  void bad(Token& t, std::string message) {
    error(t, std::move(message));
    t.kind = Tok::kBad;
    tokens_.push_back(std::move(t));
  }

  void token() {
    const char c = peek();
    if (is_alpha(c)) return identifier();
    if (is_digit(c) || (c == '.' && is_digit(peek(1)))) return number_like();
    if (c == ':' && peek(1) == ':' && (is_xdigit(peek(2)) || peek(2) == ':')) return number_like();
    if (c == '[' && bracketed_v6_length() > 0) return bracketed_v6();
    if (c == '"') return string_literal();
    if (c == '@') return directive();
    if (c == '&') return attribute();
    punctuation();
  }

  void identifier() {
    Token t = start(Tok::kIdent);
    std::size_t n = span(pos_, is_alnum);
    // Qualified ids ("Scan::foo", "GLOBAL::foo") are one token.
    int qualifiers = 0;
    for (; text_.substr(pos_ + n, 2) == "::" && is_alpha(peek(n + 2)); ++qualifiers)
      n += 2 + span(pos_ + n + 2, is_alnum);
    t.text = std::string(text_.substr(pos_, n));
    advance(n);
    // As in Bro, one module qualifier at most. "GLOBAL::GLOBAL::x" declared an id that no
    // lookup could reach (found fuzzing).
    if (qualifiers > 1) {
      const std::string text = t.text;
      return bad(t, "invalid identifier '" + text + "': at most one module qualifier");
    }
    tokens_.push_back(std::move(t));
  }

  // An address, subnet, count, double or port: they share their first characters, so
  // the longest plausible spelling decides.
  void number_like() {
    Token t = start(Tok::kAddr);
    static const auto addr_char = [](char c) { return is_xdigit(c) || c == ':' || c == '.'; };
    const std::size_t v6_len = span(pos_, addr_char);
    const std::string_view v6_text = text_.substr(pos_, v6_len);
    if (v6_text.find(':') != std::string_view::npos) {
      advance(v6_len);
      return address(t, v6_text);
    }
    static const auto v4_char = [](char c) { return is_digit(c) || c == '.'; };
    const std::size_t v4_len = span(pos_, v4_char);
    const std::string_view v4_text = text_.substr(pos_, v4_len);
    const auto dots = std::count(v4_text.begin(), v4_text.end(), '.');
    if (dots >= 2) {
      advance(v4_len);
      if (dots != 3) return bad(t, "malformed number or address '" + std::string(v4_text) + "'");
      return address(t, v4_text);
    }
    number(t);
  }

  void address(Token& t, std::string_view text) {
    const auto canonical = parse_addr(text);
    if (!canonical) return bad(t, "malformed address '" + std::string(text) + "'");
    t.text = *canonical;
    if (peek() == '/' && is_digit(peek(1))) {
      const std::size_t n = span(pos_ + 1, is_digit);
      const std::string spelled = std::string(text) + "/" + std::string(text_.substr(pos_ + 1, n));
      advance(n + 1);
      const auto subnet = parse_subnet(spelled);
      if (!subnet) return bad(t, "bad prefix length in subnet '" + spelled + "'");
      t.kind = Tok::kSubnet;
      t.text = *subnet;
    }
    tokens_.push_back(std::move(t));
  }

  void number(Token& t) {
    const std::size_t begin = pos_;
    if (peek() == '0' && (peek(1) == 'x' || peek(1) == 'X') && is_xdigit(peek(2))) {
      const std::size_t n = span(pos_ + 2, is_xdigit);
      advance(n + 2);
      return count_literal(t, text_.substr(begin, pos_ - begin), 16);
    }
    bool real = false;
    advance(span(pos_, is_digit));
    if (peek() == '.' && is_digit(peek(1))) {
      real = true;
      advance();
      advance(span(pos_, is_digit));
    }
    const std::size_t sign = (peek(1) == '+' || peek(1) == '-') ? 1 : 0;
    if ((peek() == 'e' || peek() == 'E') && is_digit(peek(1 + sign))) {
      real = true;
      advance(1 + sign);
      advance(span(pos_, is_digit));
    }
    const std::string_view spelled = text_.substr(begin, pos_ - begin);
    if (!real) return count_literal(t, spelled, 10);
    t.kind = Tok::kDouble;
    t.text = std::string(spelled);
    t.real = std::strtod(t.text.c_str(), nullptr);
    tokens_.push_back(std::move(t));
  }

  void count_literal(Token& t, std::string_view spelled, int base) {
    t.kind = Tok::kCount;
    t.text = std::string(spelled);
    const std::string_view digits = base == 16 ? spelled.substr(2) : spelled;
    const auto [end, ec] =
        std::from_chars(digits.data(), digits.data() + digits.size(), t.count, base);
    if (ec != std::errc() || end != digits.data() + digits.size())
      return bad(t, "count literal out of range '" + t.text + "'");
    if (peek() == '/' && is_alpha(peek(1))) return port_literal(t);
    tokens_.push_back(std::move(t));
  }

  void port_literal(Token& t) {
    const std::size_t n = span(pos_ + 1, is_alnum);
    const std::string proto_text(text_.substr(pos_ + 1, n));
    const std::string spelled = t.text + "/" + proto_text;
    advance(n + 1);
    const auto proto = parse_port_proto(proto_text);
    if (!proto) return bad(t, "unknown protocol '" + proto_text + "' in port '" + spelled + "'");
    const std::uint64_t max = *proto == Port::kIcmp ? 255 : 65535;
    if (t.count > max) return bad(t, "bad port number in '" + spelled + "'");
    t.kind = Tok::kPort;
    t.text = spelled;
    t.port = Port{static_cast<std::uint16_t>(t.count), *proto};
    tokens_.push_back(std::move(t));
  }

  // Length of "[...]" when it holds an IPv6 address (so not "set[port]"), else 0.
  std::size_t bracketed_v6_length() const {
    std::size_t n = 1;
    bool colon = false;
    while (pos_ + n < text_.size() &&
           (is_xdigit(text_[pos_ + n]) || text_[pos_ + n] == ':' || text_[pos_ + n] == '.')) {
      colon = colon || text_[pos_ + n] == ':';
      ++n;
    }
    return colon && peek(n) == ']' ? n + 1 : 0;
  }

  void bracketed_v6() {
    Token t = start(Tok::kAddr);
    const std::size_t n = bracketed_v6_length();
    const std::string_view spelled = text_.substr(pos_, n);
    advance(n);
    address(t, spelled);
  }

  void string_literal() {
    Token t = start(Tok::kString);
    advance();  // opening quote
    while (true) {
      if (pos_ >= text_.size() || peek() == '\n') return bad(t, "unterminated string");
      const char c = peek();
      if (c == '"') {
        advance();
        break;
      }
      if (c == '\\') {
        escape(t);
      } else {
        t.text += c;
        advance();
      }
    }
    tokens_.push_back(std::move(t));
  }

  void escape(Token& t) {
    Token at = start(Tok::kBad);
    advance();  // backslash
    const char c = peek();
    if (pos_ >= text_.size() || c == '\n') return;  // reported as unterminated
    advance();
    switch (c) {
      case 'n':
        t.text += '\n';
        return;
      case 't':
        t.text += '\t';
        return;
      case 'r':
        t.text += '\r';
        return;
      case 'a':
        t.text += '\a';
        return;
      case 'b':
        t.text += '\b';
        return;
      case 'f':
        t.text += '\f';
        return;
      case 'v':
        t.text += '\v';
        return;
      case '\\':
      case '"':
      case '\'':
        t.text += c;
        return;
      case 'x':
        if (is_xdigit(peek())) {
          const std::size_t n = is_xdigit(peek(1)) ? 2 : 1;
          t.text += static_cast<char>(std::stoi(std::string(text_.substr(pos_, n)), nullptr, 16));
          advance(n);
          return;
        }
        break;
      default:
        if (c >= '0' && c <= '7') {
          int v = c - '0';
          for (int i = 0; i < 2 && peek() >= '0' && peek() <= '7'; ++i) {
            v = v * 8 + (peek() - '0');
            advance();
          }
          t.text += static_cast<char>(v & 0xff);
          return;
        }
        break;
    }
    error(at, "unknown escape sequence '\\" + printable(c) + "' in string");
  }

  void directive() {
    Token t = start(Tok::kDirective);
    advance();  // '@'
    static const auto word_char = [](char c) { return is_alnum(c) || c == '-'; };
    const std::size_t n = span(pos_, word_char);
    t.text = std::string(text_.substr(pos_, n));
    advance(n);
    if (t.text == "load") {
      while (peek() == ' ' || peek() == '\t')
        advance();
      static const auto name_char = [](char c) { return !is_space(c) && c != '#' && c != ';'; };
      const std::size_t m = span(pos_, name_char);
      t.arg = std::string(text_.substr(pos_, m));
      advance(m);
    } else {
      // Unsupported directives are reported by the parser; their line is not ours to read.
      const std::size_t begin = pos_;
      skip_line();
      t.arg = std::string(text_.substr(begin, pos_ - begin));
    }
    tokens_.push_back(std::move(t));
  }

  void attribute() {
    Token t = start(Tok::kAttr);
    advance();  // '&'
    const std::size_t n = span(pos_, is_alnum);
    t.text = std::string(text_.substr(pos_, n));
    advance(n);
    if (t.text.empty()) return bad(t, "'&' must be followed by an attribute name");
    tokens_.push_back(std::move(t));
  }

  void punctuation() {
    Token t = start(Tok::kPunct);
    const char c = peek();
    if ((c == '+' || c == '-') && peek(1) == '=') {
      t.text = std::string(text_.substr(pos_, 2));
      advance(2);
    } else if (std::string_view(";:,={}()[]+-").find(c) != std::string_view::npos) {
      t.text = std::string(1, c);
      advance();
    } else {
      advance();
      return bad(t, "unexpected character '" + printable(c) + "'");
    }
    tokens_.push_back(std::move(t));
  }

  std::string_view text_;
  const std::string& file_;
  std::vector<Diagnostic>& errors_;
  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  int line_ = 1;
  int col_ = 1;
};

}  // namespace

std::string describe(const Token& token) {
  switch (token.kind) {
    case Tok::kEnd:
      return "end of file";
    case Tok::kString:
      return "string \"" + Value::string(token.text).print() + "\"";
    case Tok::kAttr:
      return "'&" + token.text + "'";
    case Tok::kDirective:
      return "'@" + token.text + "'";
    default:
      return "'" + token.text + "'";
  }
}

std::vector<Token> tokenize(std::string_view text, const std::string& file,
                            std::vector<Diagnostic>& errors) {
  return Lexer(text, file, errors).run();
}

}  // namespace bc::node::script
