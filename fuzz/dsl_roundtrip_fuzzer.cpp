// libFuzzer target for the formatter. For every input that parses:
//   - the canonical text parses, to the same policy (same_policy);
//   - formatting is idempotent: fmt(parse(fmt(x))) == fmt(x);
//   - no comment is lost or altered (the same texts, in any order: lets
//     move above policies and take their comments with them).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "palisade/dsl/format.h"
#include "palisade/dsl/parser.h"

namespace {

namespace dsl = palisade::dsl;

[[noreturn]] void violated(const char *what, const std::string &formatted) {
  std::fprintf(stderr, "formatter contract violated: %s\n--- formatted:\n%s",
               what, formatted.c_str());
  __builtin_trap();
}

std::vector<std::string> comment_texts(const dsl::PolicyFile &file) {
  std::vector<std::string> texts;
  for (const dsl::Comment &c : file.comments)
    texts.push_back(c.text);
  std::sort(texts.begin(), texts.end());
  return texts;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string text(reinterpret_cast<const char *>(data), size);
  dsl::Diagnostics diags;
  const std::optional<dsl::PolicyFile> ast =
      dsl::parse_rules("fuzz.rules", text, diags);
  if (!ast)
    return 0;

  const std::string f1 = dsl::format_rules(*ast);
  dsl::Diagnostics diags1;
  const std::optional<dsl::PolicyFile> ast1 =
      dsl::parse_rules("formatted.rules", f1, diags1);
  if (!ast1) {
    std::fputs(diags1.render().c_str(), stderr);
    violated("the formatted text does not parse", f1);
  }
  if (!dsl::same_policy(*ast, *ast1))
    violated("the formatted text is a different policy", f1);
  if (dsl::format_rules(*ast1) != f1)
    violated("formatting is not idempotent", f1);
  if (comment_texts(*ast) != comment_texts(*ast1))
    violated("comments were lost or changed", f1);
  return 0;
}
