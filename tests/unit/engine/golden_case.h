// Runs one golden case (tests/golden/<case>/) the way the golden test
// defines it: its .rules files parsed in name order (named by file name
// only, so the output does not depend on the checkout) and, when all
// parse, compiled for slot 0. Shared by the golden test and the
// diagnostics coverage test.
#pragma once

#include <filesystem>
#include <optional>

#include "palisade/dsl/diagnostics.h"
#include "palisade/engine/compile.h"

namespace palisade::engine::test {

struct GoldenRun {
  dsl::Diagnostics diags;
  std::optional<CompiledPolicy> compiled; // when every file parsed and compiled
};

GoldenRun run_golden_case(const std::filesystem::path &dir);

} // namespace palisade::engine::test
