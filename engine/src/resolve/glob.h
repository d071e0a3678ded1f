// Path prefixes, suffixes and globs (`startswith`, `endswith`, `matches`):
// checking a literal, matching it in userspace, and compiling it to the
// kernel's bit-parallel NFA (struct pal_glob; docs/abi.md "Globs").
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <palisade/abi.h>

#include "palisade/dsl/ast.h"
#include "palisade/dsl/diagnostics.h"

namespace palisade::engine {

// Checks the string after startswith, endswith or matches and returns it,
// or reports one error at lit.loc and returns nullopt.
std::optional<std::string> check_pattern(dsl::CompareOp op,
                                         const dsl::StringLit &lit,
                                         dsl::Diagnostics &diags);

// Glob semantics (docs/language.md "Operators"): `*` any run of bytes
// without '/', `**` any run of bytes, `?` one byte but '/', `/**/` also
// a single '/', every other byte itself. A straightforward recursive
// matcher with a memo: the oracle the kernel's NFA is tested against.
bool glob_match(std::string_view pattern, std::string_view path);

// The pattern's bytes before its first wildcard ("/home/" for
// "/home/*/.ssh"); empty when it starts with "**".
std::string glob_fixed_prefix(std::string_view pattern);

// The prefix an atom of `kind` with `value` is indexed by: the fixed
// prefix of a pattern, "/" (every path) for a suffix or a pattern that
// starts with "**".
std::string glob_anchor_prefix(bool suffix, std::string_view value);

// The states the NFA of a suffix or pattern needs (<= PAL_GLOB_STATES to
// compile).
size_t glob_states(bool suffix, std::string_view value);

// The "globs" value of a suffix or pattern; prefix_atom is the atom of
// glob_anchor_prefix() for a pattern starting with '/', else PAL_NO_ATOM.
pal_glob compile_glob(bool suffix, std::string_view value,
                      uint32_t prefix_atom);

// pal_glob's NFA run over `path`, as the kernel runs it (without the
// prefix atom, which the kernel checks with one "held" lookup instead).
bool glob_nfa_match(const pal_glob &g, std::string_view path);

} // namespace palisade::engine
