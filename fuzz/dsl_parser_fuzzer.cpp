// libFuzzer target for the .rules parser. Besides crashes, leaks and
// sanitizer reports it checks the parser's contract:
//   - parse_rules() never throws;
//   - it fails exactly when it reports an error, and then with at least one
//     and at most kMaxSyntaxErrors (recovery after a syntax error ends);
//   - every diagnostic points inside the input and renders.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "palisade/dsl/parser.h"

namespace {

[[noreturn]] void violated(const char *what) {
  std::fprintf(stderr, "contract violated: %s\n", what);
  std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string text(reinterpret_cast<const char *>(data), size);
  palisade::dsl::Diagnostics diags;
  std::optional<palisade::dsl::PolicyFile> file;
  try {
    file = palisade::dsl::parse_rules("fuzz.rules", text, diags);
  } catch (...) {
    violated("parse_rules threw");
  }

  if (file.has_value() != diags.ok())
    violated("the result and the diagnostics disagree");
  if (!file && diags.error_count() == 0)
    violated("failed without an error");
  if (diags.error_count() > palisade::dsl::kMaxSyntaxErrors)
    violated("more syntax errors than the parser reports");

  size_t lines = 1;
  for (char c : text)
    lines += c == '\n';
  for (const auto &d : diags.all()) {
    if (d.loc.line < 1 || d.loc.line > lines || d.loc.column < 1)
      violated("a diagnostic points outside the input");
    if (d.loc.file->line_text(d.loc.line).size() + 1 < d.loc.column)
      violated("a diagnostic's column is past the end of its line");
  }
  (void)diags.render();
  return 0;
}
