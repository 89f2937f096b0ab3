#pragma once
// Tokens of the policy-script language. The lexer turns one file's text into tokens,
// reporting malformed literals as diagnostics and continuing after them, so that the
// parser can still find the errors further down the file.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "node/script/diagnostic.h"
#include "node/script/value.h"

namespace bc::node::script {

enum class Tok {
  kEnd,
  kIdent,      // text: "foo", "Scan::foo", "GLOBAL::foo"
  kCount,      // count
  kDouble,     // real
  kString,     // text: the decoded bytes
  kAddr,       // text: canonical
  kSubnet,     // text: canonical
  kPort,       // port
  kPunct,      // text: ; : , = { } ( ) [ ] + - += -=
  kAttr,       // text: attribute name without '&'
  kDirective,  // text: directive name without '@'; arg: the rest (@load's script name)
  kBad,        // a malformed literal, already reported; the parser skips the statement
};

struct Token {
  Tok kind = Tok::kEnd;
  std::string text;
  std::string arg;
  std::uint64_t count = 0;
  double real = 0;
  Port port;
  int line = 1;
  int column = 1;
};

// "'foo'", "'80/tcp'", "end of file": how an error message names a token.
std::string describe(const Token& token);

// Tokenises `text`; the last token is always kEnd. Problems go to `errors` named with
// `file`.
std::vector<Token> tokenize(std::string_view text, const std::string& file,
                            std::vector<Diagnostic>& errors);

}  // namespace bc::node::script
