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

// A policy file held in memory (what the daemon stores and is sent).
struct PolicySource {
  std::string name; // shown in diagnostics: the stored file's path
  std::string text;
  // Every policy of the file in this mode instead of the one it names.
  std::optional<dsl::Mode> mode;
};

// The same for sources in memory.
std::optional<engine::CompiledPolicy>
compile_policy_sources(const std::vector<PolicySource> &sources,
                       const engine::TargetCaps &caps, uint32_t slot,
                       dsl::Diagnostics &diags);

} // namespace palisade::enforce
