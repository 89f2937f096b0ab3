#pragma once
// Parser of the policy-script subset: tokens of one file → statements. Recovers at the
// end of a statement after a syntax error so that one run reports every broken
// statement of a file.

#include <string>
#include <string_view>
#include <vector>

#include "node/script/ast.h"
#include "node/script/diagnostic.h"

namespace bc::node::script {

std::vector<Statement> parse_script(std::string_view text, const std::string& file,
                                    std::vector<Diagnostic>& errors);

}  // namespace bc::node::script
