// The engine: AST in, plain-data map image out. Pure: no libbpf, no files,
// no kernel. See docs/abi.md for the map layout it produces. compile():
// policy files in, for one kernel (TargetCaps) and one slot, a
// CompiledPolicy out, with located diagnostics.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "palisade/dsl/ast.h"
#include "palisade/dsl/diagnostics.h"
#include "palisade/engine/compiled_policy.h"
#include "palisade/engine/map_image.h"
#include "palisade/engine/target_caps.h"

namespace palisade::engine {

// Compiles every policy of every file into one image for `slot`. Returns
// nullopt when any error was reported to `diags` (warnings do not fail).
std::optional<CompiledPolicy> compile(const std::vector<dsl::PolicyFile> &files,
                                      const TargetCaps &caps, uint32_t slot,
                                      dsl::Diagnostics &diags);

// The same for a caller done with the syntax trees (enforcectl): each
// file's AST is freed as soon as it is resolved, so the later passes reuse
// its heap instead of touching fresh pages (about 9 MB for 10k rules, the
// larger part of a cold compile on a VM). The source texts live on in the
// result's `sources`.
std::optional<CompiledPolicy> compile(std::vector<dsl::PolicyFile> &&files,
                                      const TargetCaps &caps, uint32_t slot,
                                      dsl::Diagnostics &diags);

// Canonical JSON of an image, decoded through abi.h into named fields.
// Used for golden tests and `enforcectl compile --json`.
std::string to_canonical_json(const CompiledPolicy &compiled);

} // namespace palisade::engine
