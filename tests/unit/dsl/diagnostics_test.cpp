// The diagnostic format every frontend and pass shares.
#include <gtest/gtest.h>

#include "palisade/dsl/diagnostics.h"

namespace palisade::dsl {
namespace {

std::shared_ptr<const SourceFile> make_file(std::string name,
                                            std::string text) {
  auto file = std::make_shared<SourceFile>();
  file->name = std::move(name);
  file->text = std::move(text);
  return file;
}

SourceLocation at(const std::shared_ptr<const SourceFile> &file, uint32_t line,
                  uint32_t column, uint32_t end_line, uint32_t end_column) {
  return SourceLocation{file.get(), line, column, end_line, end_column};
}

TEST(SourceFile, LineText) {
  auto file = std::make_shared<SourceFile>();
  file->text = "one\ntwo\r\n\nlast";
  for (bool indexed : {false, true}) {
    if (indexed)
      file->index_lines(); // the same answers, without scanning
    EXPECT_EQ(file->line_text(1), "one");
    EXPECT_EQ(file->line_text(2), "two"); // CR of CRLF is not in the line
    EXPECT_EQ(file->line_text(3), "");
    EXPECT_EQ(file->line_text(4), "last");
    EXPECT_EQ(file->line_text(5), "");
    EXPECT_EQ(file->line_text(0), "");
  }
  file->text += "\n";
  file->index_lines();
  EXPECT_EQ(file->line_text(5), ""); // the empty line after the last newline
  EXPECT_EQ(file->line_text(6), "");
}

TEST(Diagnostics, RendersTheDesignExample) {
  const std::string line = "  deny  exec    when path in secrets and not binry "
                           "in [\"/usr/sbin/sshd\"]";
  auto file = make_file("policy.rules", "\n\n\n\n\n\n\n\n\n" + line + "\n");
  Diagnostics diags;
  diags
      .error(at(file, 10, 46, 10, 51),
             "unknown field 'binry' in an 'exec' rule")
      .hints.push_back("did you mean 'binary'?");
  EXPECT_EQ(
      diags.render(),
      R"(policy.rules:10:46: error: unknown field 'binry' in an 'exec' rule
  deny  exec    when path in secrets and not binry in ["/usr/sbin/sshd"]
                                             ^~~~~
hint: did you mean 'binary'?
)");
}

TEST(Diagnostics, CaretCopiesTabs) {
  auto file = make_file("t.rules", "\tdeny\texec when x\n");
  Diagnostics diags;
  diags.warning(at(file, 1, 12, 1, 16), "odd");
  EXPECT_EQ(diags.render(), "t.rules:1:12: warning: odd\n"
                            "\tdeny\texec when x\n"
                            "\t    \t     ^~~~\n");
}

TEST(Diagnostics, ShortSpansAreALoneCaret) {
  auto file = make_file("t.rules", "abc\n");
  Diagnostic empty{Severity::Error, at(file, 1, 2, 1, 2), "empty", {}};
  Diagnostic one{Severity::Error, at(file, 1, 2, 1, 3), "one", {}};
  EXPECT_EQ(render(empty), "t.rules:1:2: error: empty\nabc\n ^\n");
  EXPECT_EQ(render(one), "t.rules:1:2: error: one\nabc\n ^\n");
}

TEST(Diagnostics, MultiLineSpanIsUnderlinedToTheEndOfItsFirstLine) {
  auto file = make_file("t.rules", "policy \"p\" mode audit {\n}\n");
  Diagnostic d{Severity::Error, at(file, 1, 8, 2, 2), "span", {}};
  EXPECT_EQ(render(d), "t.rules:1:8: error: span\n"
                       "policy \"p\" mode audit {\n"
                       "       ^" +
                           std::string(15, '~') + "\n");
}

TEST(Diagnostics, CaretAfterTheEndOfTheLine) {
  auto file = make_file("t.rules", "deny exec when");
  Diagnostic d{Severity::Error, at(file, 1, 15, 1, 15), "eof", {"h1", "h2"}};
  EXPECT_EQ(render(d), "t.rules:1:15: error: eof\n"
                       "deny exec when\n"
                       "              ^\n"
                       "hint: h1\n"
                       "hint: h2\n");
}

TEST(Diagnostics, WithoutPositionOnlyTheMessage) {
  const auto file = make_file("/etc/x.rules", "");
  SourceLocation loc;
  loc.file = file.get();
  Diagnostic d{Severity::Error, loc, "cannot read the file", {}};
  EXPECT_EQ(render(d), "/etc/x.rules: error: cannot read the file\n");
  Diagnostic no_file{Severity::Warning, SourceLocation{}, "no file", {}};
  EXPECT_EQ(render(no_file), "<input>: warning: no file\n");
}

// A location does not own its file: the diagnostics keep it, so they
// still render the line after everything else let go of the file.
TEST(Diagnostics, KeepTheFilesTheyPointInto) {
  Diagnostics joined;
  {
    Diagnostics diags;
    {
      auto file = make_file("t.rules", "deny exec when\n");
      diags.error(at(file, 1, 6, 1, 10), "bad event");
    }
    joined.append(diags);
    EXPECT_EQ(diags.render(), "t.rules:1:6: error: bad event\n"
                              "deny exec when\n"
                              "     ^~~~\n");
  }
  EXPECT_EQ(joined.render(), "t.rules:1:6: error: bad event\n"
                             "deny exec when\n"
                             "     ^~~~\n");
}

TEST(Diagnostics, CountsAndJoins) {
  auto file = make_file("t.rules", "a\nb\n");
  Diagnostics diags;
  EXPECT_TRUE(diags.ok());
  diags.warning(at(file, 1, 1, 1, 2), "w");
  EXPECT_TRUE(diags.ok());
  EXPECT_EQ(diags.error_count(), 0u);

  Diagnostics more;
  more.error(at(file, 2, 1, 2, 2), "e");
  diags.append(more);
  EXPECT_FALSE(diags.ok());
  EXPECT_EQ(diags.error_count(), 1u);
  ASSERT_EQ(diags.all().size(), 2u);
  EXPECT_EQ(diags.render(), "t.rules:1:1: warning: w\na\n^\n"
                            "t.rules:2:1: error: e\nb\n^\n");
}

} // namespace
} // namespace palisade::dsl
