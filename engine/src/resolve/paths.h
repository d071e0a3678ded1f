// Path literals as the kernel matcher can use them.
#pragma once

#include <optional>
#include <string>

#include "palisade/dsl/ast.h"
#include "palisade/dsl/diagnostics.h"

namespace palisade::engine {

// Checks a path literal and returns its canonical form: absolute, no empty,
// "." or ".." components, no trailing '/' (except "/" itself), at most
// PAL_MATCH_PATH_MAX bytes. Reports one error at lit.loc and returns
// nullopt otherwise. The kernel reports resolved paths, so a path that is
// not already in this form could never match.
std::optional<std::string> check_path(const dsl::StringLit &lit,
                                      dsl::Diagnostics &diags);

// Lexical clean-up used for hints: "/usr//bin/../sbin/" -> "/usr/sbin".
std::string lexically_clean(const std::string &path);

} // namespace palisade::engine
