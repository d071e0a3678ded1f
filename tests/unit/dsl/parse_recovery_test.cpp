// After a syntax error the parser starts again at the next line that
// begins a rule (inside a policy), a `policy` or a `let`, so one `check`
// shows every independent mistake, not only the first.
#include <string>

#include <gtest/gtest.h>

#include "palisade/dsl/parser.h"

namespace palisade::dsl {
namespace {

struct Parsed {
  bool ok = false;
  size_t errors = 0;
  std::string text; // every diagnostic, rendered
};

Parsed parse(const std::string &text) {
  Diagnostics diags;
  Parsed p;
  p.ok = parse_rules("test.rules", text, diags).has_value();
  p.errors = diags.error_count();
  p.text = diags.render();
  return p;
}

// clang-format off
TEST(ParseRecovery, ReportsAnErrorInEveryBrokenRuleAndPolicy) {
  const Parsed p = parse(R"(policy "p" mode enforce {
  block exec when path == "/usr/bin/nc"
  deny exec when path == "/usr/bin/ncat"
  deny exec when path = "/usr/bin/socat"
}

policy "q" mode audt {
  deny exec
}
)");
  EXPECT_FALSE(p.ok);
  EXPECT_EQ(p.errors, 3u);
  EXPECT_EQ(p.text, R"(test.rules:2:3: error: expected a rule or '}', found 'block'
  block exec when path == "/usr/bin/nc"
  ^~~~~
hint: an action is one of allow, audit, deny, kill
test.rules:4:23: error: expected an operator (==, !=, in, not in, under, startswith, endswith, matches) after 'path', found '='
  deny exec when path = "/usr/bin/socat"
                      ^
hint: did you mean '=='?
test.rules:7:17: error: expected 'enforce' or 'audit' after 'mode', found 'audt'
policy "q" mode audt {
                ^~~~
hint: did you mean 'audit'?
)");
}
// clang-format on

// An error in a policy's header skips its body: the rules and the '}' of a
// policy that did not start are not reported as errors of their own.
TEST(ParseRecovery, SkipsTheBodyOfAPolicyWhoseHeaderIsBroken) {
  const Parsed p = parse("policy \"q\" mode audt {\n"
                         "  deny exec\n"
                         "}\n"
                         "let shells = [\"/bin/sh\" \"/bin/bash\"]\n");
  EXPECT_EQ(p.errors, 2u) << p.text;
  EXPECT_NE(p.text.find("test.rules:1:17:"), std::string::npos) << p.text;
  EXPECT_NE(p.text.find("test.rules:4:25:"), std::string::npos) << p.text;
}

// Resuming inside a policy still knows which policy an unclosed '{' opened.
TEST(ParseRecovery, UnclosedPolicyAfterAnErrorNamesIt) {
  const Parsed p = parse("policy \"p\" mode enforce {\n"
                         "  block exec\n"
                         "  deny exec\n");
  EXPECT_EQ(p.errors, 2u) << p.text;
  EXPECT_NE(p.text.find("test.rules:3:12: error: expected '}' to close "
                        "policy \"p\", found end of input\n"),
            std::string::npos)
      << p.text;
  EXPECT_NE(p.text.find("hint: the policy starts at line 1\n"),
            std::string::npos)
      << p.text;
}

// A line that continues a broken condition is not a new rule: only the
// rule lines after it are parsed again.
TEST(ParseRecovery, DoesNotResumeInsideAMultiLineCondition) {
  const Parsed p = parse("policy \"p\" mode enforce {\n"
                         "  deny exec when (path == \"/a\" or\n"
                         "    path == \"/b\"\n"
                         "  deny exec when path == \"/c\"\n"
                         "}\n");
  EXPECT_EQ(p.errors, 1u) << p.text;
  EXPECT_NE(p.text.find("test.rules:4:3: error: expected 'and', 'or' or ')'"),
            std::string::npos)
      << p.text;
}

TEST(ParseRecovery, StopsAtTheLimit) {
  std::string text = "policy \"p\" mode enforce {\n";
  for (size_t i = 0; i < 2 * kMaxSyntaxErrors; ++i)
    text += "  deny exec when path = \"/x\"\n";
  text += "}\n";
  const Parsed p = parse(text);
  EXPECT_FALSE(p.ok);
  EXPECT_EQ(p.errors, kMaxSyntaxErrors);
}

} // namespace
} // namespace palisade::dsl
