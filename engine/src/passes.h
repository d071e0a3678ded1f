// The engine passes, in pipeline order. Each reports every error it can
// soundly find to `diags` and returns nullopt when it found any; compile()
// stops at the first pass that fails.
#pragma once

#include <optional>
#include <vector>

#include "ir.h"

namespace palisade::engine {

// Names (events, fields, sets, policies), value checks, rule ids.
std::optional<Resolved> resolve(const std::vector<dsl::PolicyFile> &files,
                                dsl::Diagnostics &diags);

// Interns atoms and rewrites every condition into DNF within the limits.
std::optional<Program> normalize(const Resolved &resolved,
                                 dsl::Diagnostics &diags);

// Writes the abi.h structs for `slot`.
std::optional<MapImage> lower(const Program &program, uint32_t slot,
                              dsl::Diagnostics &diags);

} // namespace palisade::engine
