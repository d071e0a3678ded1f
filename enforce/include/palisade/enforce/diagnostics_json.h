// Diagnostics as JSON, for editors (`enforcectl check --json`).
#pragma once

#include <string>

#include "palisade/dsl/diagnostics.h"

namespace palisade::enforce {

// A JSON array with one object per diagnostic, in the order reported:
//   {"file": "a.rules", "line": 3, "column": 18, "end_line": 3,
//    "end_column": 21, "severity": "error" | "warning", "message": "...",
//    "hints": ["..."]}
// Lines and columns count from 1, columns in bytes; end_column is
// exclusive. A diagnostic without a span has end = start; one without a
// position (an unreadable file) has all four 0. Bytes that are not UTF-8
// become U+FFFD. One line, no trailing newline.
std::string diagnostics_json(const dsl::Diagnostics &diags);

} // namespace palisade::enforce
