// Rule values that resolve elsewhere on this machine get a warning that
// names the resolved path.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "palisade/dsl/parser.h"
#include "palisade/enforce/symlink_check.h"

namespace palisade::enforce {
namespace {

namespace fs = std::filesystem;

class SymlinkCheckTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("palisade-symlink-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "real" / "bin");
    std::ofstream(dir_ / "real" / "bin" / "tool.real") << "x";
    fs::create_symlink(dir_ / "real" / "bin" / "tool.real",
                       dir_ / "real" / "bin" / "tool");
    fs::create_directory_symlink(dir_ / "real" / "bin", dir_ / "bin");
    root_ = fs::canonical(dir_).string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  dsl::Diagnostics check(const std::string &text) {
    dsl::Diagnostics diags;
    auto file = dsl::parse_rules("p.rules", text, diags);
    EXPECT_TRUE(file) << diags.render();
    std::vector<dsl::PolicyFile> files;
    files.push_back(std::move(*file));
    warn_symlinked_values(files, diags);
    return diags;
  }

  fs::path dir_;
  std::string root_;
};

TEST_F(SymlinkCheckTest, LinkToAFileNamesItsTarget) {
  auto diags =
      check("policy \"p\" mode enforce {\n  deny exec when path == \"" + root_ +
            "/real/bin/tool\"\n}\n");
  ASSERT_EQ(diags.all().size(), 1u) << diags.render();
  const auto &d = diags.all()[0];
  EXPECT_EQ(d.severity, dsl::Severity::Warning);
  EXPECT_EQ(d.loc.line, 2u);
  EXPECT_EQ(d.message,
            "'" + root_ + "/real/bin/tool' resolves to '" + root_ +
                "/real/bin/tool.real' on this machine; rules match "
                "the resolved path, so this value never matches here");
  EXPECT_TRUE(diags.ok()); // a warning, not an error
}

TEST_F(SymlinkCheckTest, PathsThroughALinkedDirectoryAndSetsAreChecked) {
  auto diags = check("let tools = [\"" + root_ +
                     "/bin/tool.real\"]\n"
                     "policy \"p\" mode enforce {\n"
                     "  deny exec when path in tools or path under \"" +
                     root_ + "/bin/\"\n}\n");
  ASSERT_EQ(diags.all().size(), 2u) << diags.render();
  EXPECT_EQ(diags.all()[0].loc.line, 1u);
  EXPECT_EQ(diags.all()[1].loc.line, 3u);
  EXPECT_EQ(diags.all()[1].hints.at(0),
            "write \"" + root_ +
                "/real/bin\" (keep both if the policy also "
                "runs where '" +
                root_ + "/bin' is not a link)");
}

TEST_F(SymlinkCheckTest, CanonicalAndAbsentPathsAreQuiet) {
  auto diags =
      check("policy \"p\" mode enforce {\n"
            "  deny exec when path == \"" +
            root_ +
            "/real/bin/tool.real\"\n"
            "  deny exec when path under \"" +
            root_ +
            "/real/\"\n"
            "  deny exec when path == \"/no/such/palisade/file\"\n}\n");
  EXPECT_TRUE(diags.all().empty()) << diags.render();
}

// Resolved paths are remembered, but every place a value is written still
// gets its warning; a chain of links names its last target.
TEST_F(SymlinkCheckTest, RepeatedValuesAndLinkChainsThroughLinkedDirectories) {
  fs::create_symlink(dir_ / "bin" / "tool", dir_ / "real" / "alias");
  auto diags = check("policy \"p\" mode enforce {\n"
                     "  deny exec when path == \"" +
                     root_ +
                     "/bin/tool\"\n"
                     "  deny open when path == \"" +
                     root_ +
                     "/bin/tool\"\n"
                     "  deny exec when path == \"" +
                     root_ + "/real/alias\"\n}\n");
  ASSERT_EQ(diags.all().size(), 3u) << diags.render();
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(diags.all()[i].loc.line, i + 2);
    EXPECT_NE(diags.all()[i].message.find("resolves to '" + root_ +
                                          "/real/bin/tool.real'"),
              std::string::npos)
        << diags.all()[i].message;
  }
}

// A component that is a file, not a directory, resolves nowhere (as
// realpath says ENOTDIR): no warning.
TEST_F(SymlinkCheckTest, PathsBelowAFileAreQuiet) {
  auto diags = check("policy \"p\" mode enforce {\n"
                     "  deny exec when path == \"" +
                     root_ + "/real/bin/tool.real/x\"\n}\n");
  EXPECT_TRUE(diags.all().empty()) << diags.render();
}

} // namespace
} // namespace palisade::enforce
