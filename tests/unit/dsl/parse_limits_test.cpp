// Hostile sizes: deep nesting must be an error, not a stack overflow, and
// long flat inputs must parse.
#include <gtest/gtest.h>

#include "parse_state.h"
#include "test_util.h"

namespace palisade::dsl {
namespace {

std::string rule_with(const std::string &condition) {
  // The condition starts at column 42.
  return "policy \"p\" mode enforce { deny exec when " + condition + " }";
}

std::string nested_parens(size_t depth) {
  return std::string(depth, '(') + "path == \"/a\"" + std::string(depth, ')');
}

std::string repeated(const std::string &s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i)
    out += s;
  return out;
}

TEST(ParseLimits, LimitIs256) { EXPECT_EQ(kMaxExprDepth, 256u); }

TEST(ParseLimits, HundredThousandParenthesesAreAnError) {
  Diagnostics diags;
  auto f = parse_rules("deep.rules", rule_with(nested_parens(100000)), diags);
  EXPECT_FALSE(f);
  ASSERT_EQ(diags.all().size(), 1u);
  const Diagnostic &d = diags.all()[0];
  EXPECT_EQ(d.message, "expression nested too deeply (limit 256)");
  EXPECT_EQ(d.loc.line, 1u);
  EXPECT_EQ(d.loc.column, 42u + 256u); // the 257th '('
  EXPECT_EQ(d.hints,
            std::vector<std::string>{"split the condition into several rules"});
}

TEST(ParseLimits, HundredThousandNotsAreAnError) {
  Diagnostics diags;
  auto f = parse_rules("deep.rules",
                       rule_with(repeated("not ", 100000) + "path == \"/a\""),
                       diags);
  EXPECT_FALSE(f);
  ASSERT_EQ(diags.all().size(), 1u);
  EXPECT_EQ(diags.all()[0].message, "expression nested too deeply (limit 256)");
  EXPECT_EQ(diags.all()[0].loc.column, 42u + 256u * 4u);
  EXPECT_EQ(diags.all()[0].loc.end_column, 42u + 256u * 4u + 3u); // 'not'
}

TEST(ParseLimits, ParenthesesAndNotsCountTogether) {
  const std::string ok =
      repeated("not (", 128) + "path == \"/a\"" + std::string(128, ')');
  test::parse_ok(rule_with(ok));
  const std::string too_deep = "(" + ok + ")";
  Diagnostics diags;
  EXPECT_FALSE(parse_rules("deep.rules", rule_with(too_deep), diags));
  EXPECT_EQ(diags.all().at(0).message,
            "expression nested too deeply (limit 256)");
}

TEST(ParseLimits, ExactlyTheLimitParses) {
  PolicyFile f = test::parse_ok(rule_with(nested_parens(256)));
  const Expr &e = *f.policies.at(0).rules.at(0).condition;
  EXPECT_EQ(e.kind, Expr::Kind::Compare);
  EXPECT_EQ(e.cmp().field, "path");

  Diagnostics diags;
  EXPECT_FALSE(parse_rules("deep.rules", rule_with(nested_parens(257)), diags));
}

TEST(ParseLimits, DepthIsPerNestingNotPerRule) {
  // Many sibling groups and many rules never add up.
  std::string condition = "(path == \"/a\")";
  for (int i = 0; i < 1000; ++i)
    condition += " or (path == \"/b\")";
  std::string text = "policy \"p\" mode enforce {\n";
  for (int i = 0; i < 300; ++i)
    text += "  deny exec when " + nested_parens(200) + "\n";
  text += "  deny exec when " + condition + "\n}\n";
  PolicyFile f = test::parse_ok(text);
  ASSERT_EQ(f.policies.at(0).rules.size(), 301u);
  EXPECT_EQ(f.policies[0].rules.back().condition->children().size(), 1001u);
}

TEST(ParseLimits, LongFlatInputs) {
  std::string list = "let big = [";
  for (int i = 0; i < 100000; ++i)
    list += "\"/usr/bin/tool" + std::to_string(i) + "\",";
  list += "]\n";
  std::string chain = "path == \"/a\"";
  for (int i = 0; i < 100000; ++i)
    chain += " and path == \"/b\"";
  PolicyFile f = test::parse_ok(list + rule_with(chain));
  EXPECT_EQ(f.lets.at(0).values.size(), 100000u);
  EXPECT_EQ(f.policies.at(0).rules.at(0).condition->children().size(), 100001u);
}

TEST(ParseLimits, NeverThrowsOnGarbage) {
  const std::string inputs[] = {
      std::string("\0\0\0", 3),
      "\xff\xfe",
      "\"",
      "(((",
      "policy \"",
      "let x = [\"a\", ",
      "policy \"p\" mode audit { deny exec when \"\\",
      "}",
      "policy \"p\" mode audit { deny exec when path in [",
  };
  for (const std::string &input : inputs) {
    Diagnostics diags;
    std::optional<PolicyFile> f;
    EXPECT_NO_THROW(f = parse_rules("g.rules", input, diags)) << input;
    EXPECT_FALSE(f) << input;
    EXPECT_EQ(diags.error_count(), 1u) << input;
  }
}

} // namespace
} // namespace palisade::dsl
