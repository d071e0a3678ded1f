// The examples in docs/language.md are what the code does: every policy
// shown compiles, every diagnostic shown is exactly what `check` prints
// for the policy shown before it, and every formatting example is what
// `fmt` makes of its input. The fenced blocks say what they are by their
// info string (docs/language.md, "About the examples"):
//
//   ```rules [NAME]         a whole file (NAME defaults to policy.rules);
//                           compiles with no diagnostic, unless the next
//                           block shows them
//   ```rules fragment       rule lines: compiled inside a policy, after
//                           `let shells = [...]`
//   ```rules unformatted    the next block is what `fmt` prints for it
//   ```diagnostics          what `check` prints for the block before
//   ```json diagnostics     what `check --json` prints for the block
//                           before (wrapped: line breaks and the
//                           indentation after them are not compared)
//   ```ebnf, ```sh, ```text not checked
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "palisade/dsl/format.h"
#include "palisade/dsl/parser.h"
#include "palisade/engine/compile.h"
#include "palisade/enforce/diagnostics_json.h"

namespace palisade::enforce {
namespace {

struct Block {
  std::string info; // the fence's info string: "rules fragment", ...
  std::string text; // the lines between the fences, each with its '\n'
  size_t line = 0;  // of the opening fence, 1-based
};

std::vector<Block> fenced_blocks(const std::string &markdown) {
  std::vector<Block> blocks;
  std::istringstream in(markdown);
  std::string line;
  size_t number = 0;
  bool inside = false;
  while (std::getline(in, line)) {
    ++number;
    if (line.starts_with("```")) {
      if (!inside)
        blocks.push_back({line.substr(3), "", number});
      inside = !inside;
    } else if (inside) {
      blocks.back().text += line + "\n";
    }
  }
  return blocks;
}

std::string read_doc(const std::string &name) {
  std::ifstream in(std::string(PALISADE_DOCS_DIR) + "/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// What `check` reports for one file, as its text and as JSON.
struct Checked {
  std::string rendered;
  std::string json;
};

Checked check(const std::string &name, const std::string &text) {
  dsl::Diagnostics diags;
  std::vector<dsl::PolicyFile> files;
  if (auto file = dsl::parse_rules(name, text, diags)) {
    files.push_back(std::move(*file));
    engine::compile(std::move(files), engine::TargetCaps{}, 0, diags);
  }
  return {diags.render(), diagnostics_json(diags)};
}

std::string unwrap_json(const std::string &wrapped) {
  std::string out;
  bool line_start = false;
  for (char c : wrapped) {
    if (c == '\n')
      line_start = true;
    else if (!(line_start && c == ' ')) {
      line_start = false;
      out += c;
    }
  }
  return out;
}

std::string as_fragment(const std::string &rules) {
  return "let shells = [\"/bin/sh\", \"/bin/bash\"]\n"
         "policy \"doc\" mode enforce {\n" +
         rules + "}\n";
}

class LanguageDoc : public testing::Test {
protected:
  void SetUp() override {
    blocks_ = fenced_blocks(read_doc("language.md"));
    ASSERT_GT(blocks_.size(), 10u) << "docs/language.md not read";
  }
  std::string where(const Block &b) const {
    return "docs/language.md:" + std::to_string(b.line);
  }
  const Block *next(size_t i) const {
    return i + 1 < blocks_.size() ? &blocks_[i + 1] : nullptr;
  }
  std::vector<Block> blocks_;
};

TEST_F(LanguageDoc, EveryBlockSaysWhatItIs) {
  for (const Block &b : blocks_) {
    const bool known = b.info == "rules" || b.info.starts_with("rules ") ||
                       b.info == "diagnostics" ||
                       b.info == "json diagnostics" || b.info == "ebnf" ||
                       b.info == "sh" || b.info == "text";
    EXPECT_TRUE(known) << where(b) << ": fence info '" << b.info
                       << "' is none of the kinds this test knows";
  }
}

TEST_F(LanguageDoc, PoliciesCompileAsShown) {
  size_t checked = 0;
  for (size_t i = 0; i < blocks_.size(); ++i) {
    const Block &b = blocks_[i];
    const bool policy_text = b.info == "rules" ||
                             (b.info.starts_with("rules ") &&
                              b.info != "rules unformatted");
    if (!policy_text)
      continue;
    const bool fragment = b.info == "rules fragment";
    const std::string name =
        b.info.starts_with("rules ") && !fragment ? b.info.substr(6)
                                                  : "policy.rules";
    const Checked got =
        check(name, fragment ? as_fragment(b.text) : b.text);
    const Block *after = next(i);
    if (after && after->info == "diagnostics")
      EXPECT_EQ(got.rendered, after->text) << where(*after);
    else if (after && after->info == "json diagnostics")
      EXPECT_EQ(got.json, unwrap_json(after->text)) << where(*after);
    else
      EXPECT_EQ(got.rendered, "") << where(b) << ": a policy shown as "
                                  << "working gets diagnostics";
    ++checked;
  }
  EXPECT_GT(checked, 5u);
}

TEST_F(LanguageDoc, DiagnosticsFollowThePolicyTheyAreFor) {
  for (size_t i = 0; i < blocks_.size(); ++i) {
    const Block &b = blocks_[i];
    if (b.info != "diagnostics" && b.info != "json diagnostics")
      continue;
    ASSERT_GT(i, 0u) << where(b);
    const Block &before = blocks_[i - 1];
    EXPECT_TRUE(before.info == "rules" ||
                (before.info.starts_with("rules ") &&
                 before.info != "rules fragment" &&
                 before.info != "rules unformatted"))
        << where(b) << ": diagnostics must follow the whole file they are for";
  }
}

TEST_F(LanguageDoc, FormattingExamplesAreWhatFmtPrints) {
  size_t checked = 0;
  for (size_t i = 0; i < blocks_.size(); ++i) {
    const Block &b = blocks_[i];
    if (b.info != "rules unformatted")
      continue;
    const Block *after = next(i);
    ASSERT_TRUE(after && after->info == "rules")
        << where(b) << ": the formatted text must follow as ```rules";
    dsl::Diagnostics diags;
    auto file = dsl::parse_rules("policy.rules", b.text, diags);
    ASSERT_TRUE(file) << where(b) << "\n" << diags.render();
    EXPECT_EQ(dsl::format_rules(*file), after->text) << where(*after);
    ++checked;
  }
  EXPECT_GT(checked, 0u);
}

} // namespace
} // namespace palisade::enforce
