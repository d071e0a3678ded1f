#include "test_util.h"

#include <gtest/gtest.h>

namespace palisade::dsl::test {

PolicyFile parse_ok(const std::string &text) {
  Diagnostics diags;
  std::optional<PolicyFile> file = parse_rules("test.rules", text, diags);
  EXPECT_TRUE(file.has_value()) << diags.render();
  EXPECT_EQ(diags.render(), "");
  return file ? std::move(*file) : PolicyFile{};
}

std::string parse_fail(const std::string &text) {
  Diagnostics diags;
  std::optional<PolicyFile> file = parse_rules("test.rules", text, diags);
  EXPECT_FALSE(file.has_value());
  EXPECT_EQ(diags.error_count(), 1u);
  return diags.render();
}

std::string span(const SourceLocation &loc) {
  return std::to_string(loc.line) + ":" + std::to_string(loc.column) + "-" +
         std::to_string(loc.end_line) + ":" + std::to_string(loc.end_column);
}

std::string text_at(const SourceLocation &loc) {
  if (!loc.file || loc.line != loc.end_line)
    return "<multi-line>";
  const std::string_view line = loc.file->line_text(loc.line);
  return std::string(line.substr(loc.column - 1, loc.end_column - loc.column));
}

} // namespace palisade::dsl::test
