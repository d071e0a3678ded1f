// The .rules frontend: text in, AST and diagnostics out. Never throws.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "palisade/dsl/ast.h"
#include "palisade/dsl/diagnostics.h"

namespace palisade::dsl {

// Syntax errors reported per file at most: after the first, the parser
// starts again at the next line that begins a rule, a `policy` or a `let`.
inline constexpr size_t kMaxSyntaxErrors = 20;

// Parses `text` (named `name` in diagnostics). On any syntax error returns
// nullopt and between one and kMaxSyntaxErrors errors in `diags`.
std::optional<PolicyFile> parse_rules(std::string name, std::string text,
                                      Diagnostics &diags);

// Reads and parses a file; an unreadable file is an error diagnostic.
std::optional<PolicyFile> parse_rules_file(const std::string &path,
                                           Diagnostics &diags);

} // namespace palisade::dsl
