// Reads, parses and compiles policy files in one step: the path every
// command takes from files on disk to a CompiledPolicy.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "palisade/dsl/diagnostics.h"
#include "palisade/engine/compile.h"

namespace palisade::enforce {

// Parses every file (reporting syntax errors of all of them), then compiles
// them together for `slot`. nullopt if anything failed; see `diags`.
std::optional<engine::CompiledPolicy>
compile_policy_files(const std::vector<std::string> &paths,
                     const engine::TargetCaps &caps, uint32_t slot,
                     dsl::Diagnostics &diags);

} // namespace palisade::enforce
