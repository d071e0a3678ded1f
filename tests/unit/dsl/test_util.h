// Helpers shared by the dsl unit tests.
#pragma once

#include <string>

#include "palisade/dsl/ast.h"
#include "palisade/dsl/parser.h"

namespace palisade::dsl::test {

// Parses `text` as "test.rules" and fails the test on any diagnostic.
PolicyFile parse_ok(const std::string &text);

// Parses `text` as "test.rules", expects failure, returns the rendering.
std::string parse_fail(const std::string &text);

// "line:column-end_line:end_column", compact for location checks.
std::string span(const SourceLocation &loc);

// The source text a location covers (for one-line spans).
std::string text_at(const SourceLocation &loc);

} // namespace palisade::dsl::test
