// Compiles .rules text in a test (parser + engine, slot 0), failing the
// test with the diagnostics when it does not compile.
#pragma once

#include <string>

#include "palisade/engine/compile.h"

#include "ir.h"

namespace palisade::engine::test {

CompiledPolicy compile_text(const std::string &text,
                            const std::string &file_name = "t.rules",
                            uint32_t slot = 0);

// The rendered diagnostics (errors and warnings) of compiling `text` as
// t.rules; "" when there are none.
std::string diagnostics_of(const std::string &text);

// The condition of the only rule of `text`, resolved (not normalised);
// fails the test when `text` does not parse or resolve.
Cond resolved_condition(const std::string &text);

} // namespace palisade::engine::test
