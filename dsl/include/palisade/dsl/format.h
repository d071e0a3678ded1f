// The canonical text of a .rules file (`enforcectl fmt`). The style and the
// rules for where comments go are in docs/language.md, "Formatting".
#pragma once

#include <string>

#include "palisade/dsl/ast.h"

namespace palisade::dsl {

// `file` as canonical text, comments included. For a file the parser built,
// parsing the result gives a same_policy() file whose text formats to the
// result again.
std::string format_rules(const PolicyFile &file);

// Whether two files mean the same policy and are written the same way up to
// what the formatter changes: source locations, comments, blanks, redundant
// parentheses and the grouping of `and` / `or` chains ((a and b) and c is
// a and b and c) are ignored; everything else, order included, must match.
bool same_policy(const PolicyFile &a, const PolicyFile &b);

} // namespace palisade::dsl
