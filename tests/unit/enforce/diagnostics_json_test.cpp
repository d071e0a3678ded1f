// `enforcectl check --json`: the diagnostics array editors read.
#include <gtest/gtest.h>

#include <memory>

#include "palisade/dsl/parser.h"
#include "palisade/enforce/diagnostics_json.h"
#include "palisade/engine/compile.h"

namespace palisade::enforce {
namespace {

dsl::Diagnostics check_text(const std::string &text) {
  dsl::Diagnostics diags;
  auto file = dsl::parse_rules("a.rules", text, diags);
  if (file) {
    std::vector<dsl::PolicyFile> files;
    files.push_back(std::move(*file));
    engine::compile(files, engine::TargetCaps{}, 0, diags);
  }
  return diags;
}

TEST(DiagnosticsJson, NoDiagnosticsIsAnEmptyArray) {
  EXPECT_EQ(diagnostics_json(check_text("")), "[]");
}

TEST(DiagnosticsJson, ErrorWithSpanAndHint) {
  EXPECT_EQ(
      diagnostics_json(check_text(
          "policy \"p\" mode enforce {\n  deny exec when pth == \"/x\"\n}\n")),
      R"([{"file":"a.rules","line":2,"column":18,"end_line":2,)"
      R"("end_column":21,"severity":"error",)"
      R"("message":"unknown field 'pth' in an 'exec' rule",)"
      R"("hints":["did you mean 'path'?"]}])");
}

TEST(DiagnosticsJson, WarningsKeepTheirOrderAndQuoteStrings) {
  EXPECT_EQ(
      diagnostics_json(
          check_text("policy \"p\" mode enforce {\n"
                     "  deny exec when path == \"/a\" and path == \"/b\"\n"
                     "  deny exec when path in []\n"
                     "}\n")),
      R"([{"file":"a.rules","line":3,"column":18,"end_line":3,)"
      R"("end_column":28,"severity":"warning",)"
      R"("message":"empty list never matches","hints":[]},)"
      R"({"file":"a.rules","line":2,"column":3,"end_line":2,)"
      R"("end_column":47,"severity":"warning",)"
      R"("message":"rule never matches: its condition can never hold",)"
      R"("hints":["path == \"/a\" and path == \"/b\" cannot both hold"]}])");
}

TEST(DiagnosticsJson, MultiLineSpanEndsOnItsOwnLine) {
  dsl::Diagnostics diags;
  auto file = std::make_shared<dsl::SourceFile>();
  file->name = "m.rules";
  diags.error({file.get(), 2, 3, 4, 9}, "spans lines");
  EXPECT_EQ(diagnostics_json(diags),
            R"([{"file":"m.rules","line":2,"column":3,"end_line":4,)"
            R"("end_column":9,"severity":"error","message":"spans lines",)"
            R"("hints":[]}])");
}

TEST(DiagnosticsJson, NoPositionAndBytesThatAreNotUtf8) {
  dsl::Diagnostics diags;
  auto file = std::make_shared<dsl::SourceFile>();
  file->name = "bad\xff.rules";
  diags.error({file.get(), 0, 0, 0, 0},
              "cannot read the file: Permission denied");
  EXPECT_EQ(diagnostics_json(diags),
            "[{\"file\":\"bad\xef\xbf\xbd.rules\",\"line\":0,\"column\":0,"
            "\"end_line\":0,\"end_column\":0,\"severity\":\"error\","
            "\"message\":\"cannot read the file: Permission denied\","
            "\"hints\":[]}]");
}

} // namespace
} // namespace palisade::enforce
