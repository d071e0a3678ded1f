// The examples in README.md, docs/language.md and docs/explain.md are what
// the code does: every policy shown compiles, every diagnostic shown is
// exactly what `check` prints for the policy shown before it, every
// formatting example is what `fmt` makes of its input, and every
// `enforcectl` command shown prints what is shown. The fenced blocks say
// what they are by their info string (docs/language.md, "About the
// examples"):
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
//   ```console              `$ enforcectl ...` and what it prints (stdout
//                           and stderr), run from the source directory;
//                           with no output shown, it must exit 0
//   ```ebnf, ```sh, ```text not checked (in docs/language.md every block
//                           must have one of these kinds)
#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "palisade/dsl/format.h"
#include "palisade/dsl/parser.h"
#include "palisade/enforce/diagnostics_json.h"
#include "palisade/engine/compile.h"

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

// `name` relative to the source directory.
std::string read_doc(const std::string &name) {
  std::ifstream in(std::string(PALISADE_SOURCE_DIR) + "/" + name);
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

bool is_policy_text(const std::string &info) {
  return info == "rules" ||
         (info.starts_with("rules ") && info != "rules unformatted");
}

// What a shell prints for `command`, run from the source directory with
// `enforcectl` meaning the binary just built; and its exit status.
struct Ran {
  std::string output;
  int status = -1;
};

Ran run_from_source_dir(const std::string &command) {
  const std::string program = "enforcectl ";
  if (!command.starts_with(program))
    return {"not an enforcectl command: " + command, -1};
  const std::string line = std::string("cd '") + PALISADE_SOURCE_DIR +
                           "' && '" + PALISADE_ENFORCECTL + "' " +
                           command.substr(program.size()) + " 2>&1";
  Ran ran;
  FILE *pipe = popen(line.c_str(), "r");
  if (!pipe)
    return {"popen failed", -1};
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0)
    ran.output.append(buf, n);
  ran.status = pclose(pipe);
  return ran;
}

class DocExamples : public testing::TestWithParam<std::string> {
protected:
  void SetUp() override {
    blocks_ = fenced_blocks(read_doc(GetParam()));
    ASSERT_GT(blocks_.size(), 2u) << GetParam() << " not read";
  }
  std::string where(const Block &b) const {
    return GetParam() + ":" + std::to_string(b.line);
  }
  const Block *next(size_t i) const {
    return i + 1 < blocks_.size() ? &blocks_[i + 1] : nullptr;
  }
  std::vector<Block> blocks_;
};

INSTANTIATE_TEST_SUITE_P(Docs, DocExamples,
                         testing::Values("README.md", "docs/language.md",
                                         "docs/explain.md"),
                         [](const auto &info) {
                           std::string name = info.param;
                           for (char &c : name)
                             if (!std::isalnum(static_cast<unsigned char>(c)))
                               c = '_';
                           return name;
                         });

TEST_P(DocExamples, PoliciesCompileAsShown) {
  for (size_t i = 0; i < blocks_.size(); ++i) {
    const Block &b = blocks_[i];
    if (!is_policy_text(b.info))
      continue;
    const bool fragment = b.info == "rules fragment";
    const std::string name = b.info.starts_with("rules ") && !fragment
                                 ? b.info.substr(6)
                                 : "policy.rules";
    const Checked got = check(name, fragment ? as_fragment(b.text) : b.text);
    const Block *after = next(i);
    if (after && after->info == "diagnostics")
      EXPECT_EQ(got.rendered, after->text) << where(*after);
    else if (after && after->info == "json diagnostics")
      EXPECT_EQ(got.json, unwrap_json(after->text)) << where(*after);
    else
      EXPECT_EQ(got.rendered, "") << where(b) << ": a policy shown as "
                                  << "working gets diagnostics";
  }
}

TEST_P(DocExamples, DiagnosticsFollowThePolicyTheyAreFor) {
  for (size_t i = 0; i < blocks_.size(); ++i) {
    const Block &b = blocks_[i];
    if (b.info != "diagnostics" && b.info != "json diagnostics")
      continue;
    ASSERT_GT(i, 0u) << where(b);
    const std::string &before = blocks_[i - 1].info;
    EXPECT_TRUE(is_policy_text(before) && before != "rules fragment")
        << where(b) << ": diagnostics must follow the whole file they are for";
  }
}

TEST_P(DocExamples, FormattingExamplesAreWhatFmtPrints) {
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
  }
}

TEST_P(DocExamples, CommandsPrintWhatIsShown) {
  for (const Block &b : blocks_) {
    if (b.info != "console")
      continue;
    ASSERT_TRUE(b.text.starts_with("$ ")) << where(b);
    const size_t eol = b.text.find('\n');
    const Ran ran = run_from_source_dir(b.text.substr(2, eol - 2));
    const std::string shown = b.text.substr(eol + 1);
    if (shown.empty())
      EXPECT_EQ(ran.status, 0) << where(b) << "\n" << ran.output;
    else
      EXPECT_EQ(ran.output, shown) << where(b);
  }
}

// The kinds of examples each page has: a page that stops having them (or
// a fence this test would skip) must not pass unnoticed.
TEST(DocExampleKinds, EachPageHasCheckedExamples) {
  auto count = [](const std::string &doc, auto &&pred) {
    size_t n = 0;
    for (const Block &b : fenced_blocks(read_doc(doc)))
      n += pred(b.info);
    return n;
  };
  auto policies = [](const std::string &i) { return is_policy_text(i); };
  auto diagnostics = [](const std::string &i) {
    return i == "diagnostics" || i == "json diagnostics";
  };
  auto console = [](const std::string &i) { return i == "console"; };
  EXPECT_GE(count("docs/language.md", policies), 12u);
  EXPECT_GE(count("docs/language.md", diagnostics), 7u);
  EXPECT_GE(count("README.md", policies), 2u);
  EXPECT_GE(count("README.md", diagnostics), 1u);
  EXPECT_GE(count("docs/explain.md", console), 2u);
}

TEST(DocExampleKinds, EveryLanguageBlockSaysWhatItIs) {
  for (const Block &b : fenced_blocks(read_doc("docs/language.md"))) {
    const bool known = b.info == "rules" || b.info.starts_with("rules ") ||
                       b.info == "diagnostics" ||
                       b.info == "json diagnostics" || b.info == "ebnf" ||
                       b.info == "sh" || b.info == "text" ||
                       b.info == "console";
    EXPECT_TRUE(known) << "docs/language.md:" << b.line << ": fence info '"
                       << b.info << "' is none of the kinds this test knows";
  }
}

} // namespace
} // namespace palisade::enforce
