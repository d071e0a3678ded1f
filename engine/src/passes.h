// The engine passes, in pipeline order. Each reports every error it can
// soundly find to `diags` and returns nullopt when it found any; compile()
// stops at the first pass that fails.
#pragma once

#include <optional>
#include <vector>

#include "ir.h"
#include "palisade/dsl/diagnostics.h"
#include "palisade/engine/target_caps.h"

namespace palisade::engine {

// Names (events, fields, sets, policies), value checks, rule ids.
std::optional<Resolved> resolve(const std::vector<dsl::PolicyFile> &files,
                                dsl::Diagnostics &diags);

// Frees each file's AST and keeps its source text, which the locations of
// every later form point into. compile() does this after resolve when its
// caller hands the files over.
void release_syntax_trees(std::vector<dsl::PolicyFile> &files);

// Rules whose event the target kernel cannot enforce (no mechanism for its
// hook, or one that sees only some of the hook's events): an error at each.
// Reports nothing when `caps` is not known.
bool check_enforceable(const Resolved &resolved, const TargetCaps &caps,
                       dsl::Diagnostics &diags);

// Interns atoms and rewrites every condition into DNF within the limits.
std::optional<Program> normalize(const Resolved &resolved,
                                 dsl::Diagnostics &diags);

// Warnings about rules that compile but cannot work as written: never
// match, never decide, duplicate, allow without effect (docs/language.md,
// "Warnings"). Reports warnings only, so it cannot fail.
void warn_about_rules(const Resolved &resolved, const Program &program,
                      dsl::Diagnostics &diags);

// Writes the abi.h structs for `slot`.
std::optional<MapImage> lower(const Program &program, uint32_t slot,
                              dsl::Diagnostics &diags);

} // namespace palisade::engine
