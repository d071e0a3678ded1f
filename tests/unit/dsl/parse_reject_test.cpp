// Inputs the parser rejects, with the exact diagnostic a user sees: one
// error at the first mistake, the source line, the caret and hints.
#include <cstdio>

#include <gtest/gtest.h>

#include "test_util.h"

namespace palisade::dsl {
namespace {

using test::parse_fail;

// clang-format off
TEST(ParseReject, UnknownAction) {
  EXPECT_EQ(parse_fail(R"(policy "baseline" mode enforce {
  deny  exec when path == "/usr/bin/nc"
  block exec when path == "/usr/bin/ncat"
})"),
            R"(test.rules:3:3: error: expected a rule or '}', found 'block'
  block exec when path == "/usr/bin/ncat"
  ^~~~~
hint: an action is one of allow, audit, deny, kill
)");
}

TEST(ParseReject, MissingMode) {
  EXPECT_EQ(parse_fail(R"(policy "baseline" {
  deny exec
})"),
            R"(test.rules:1:19: error: expected 'mode' after the policy name, found '{'
policy "baseline" {
                  ^
hint: write: policy "name" mode enforce { ... }
)");
}

TEST(ParseReject, UnknownMode) {
  EXPECT_EQ(parse_fail(R"(policy "baseline" mode strict { deny exec })"),
            R"(test.rules:1:24: error: expected 'enforce' or 'audit' after 'mode', found 'strict'
policy "baseline" mode strict { deny exec }
                       ^~~~~~
)");
}

TEST(ParseReject, PolicyNameNotAString) {
  EXPECT_EQ(parse_fail(R"(policy baseline mode enforce { })"),
            R"(test.rules:1:8: error: expected the policy name as a string after 'policy', found 'baseline'
policy baseline mode enforce { }
       ^~~~~~~~
hint: write: policy "name" mode enforce { ... }
)");
}

TEST(ParseReject, MisspelledPolicyKeyword) {
  EXPECT_EQ(parse_fail(R"(# top
polcy "baseline" mode enforce { })"),
            R"(test.rules:2:1: error: expected 'let' or 'policy', found 'polcy'
polcy "baseline" mode enforce { }
^~~~~
)");
}

TEST(ParseReject, RuleOutsidePolicy) {
  EXPECT_EQ(parse_fail(R"(let shells = ["/bin/sh"]
deny exec when path in shells)"),
            R"(test.rules:2:1: error: a rule must be inside a policy
deny exec when path in shells
^~~~
hint: write: policy "name" mode enforce { ... }
)");
}

TEST(ParseReject, MissingOpenBrace) {
  EXPECT_EQ(parse_fail(R"(policy "p" mode audit deny exec)"),
            R"(test.rules:1:23: error: expected '{' after the policy mode, found 'deny'
policy "p" mode audit deny exec
                      ^~~~
)");
}

TEST(ParseReject, StrayCloseBrace) {
  EXPECT_EQ(parse_fail(R"(policy "p" mode enforce { deny exec }
})"),
            R"(test.rules:2:1: error: expected 'let' or 'policy', found '}'
}
^
)");
}

TEST(ParseReject, UnclosedPolicy) {
  EXPECT_EQ(parse_fail(R"(policy "p" mode enforce {
  deny exec when path == "/a"
# the end
)"),
            R"(test.rules:3:10: error: expected '}' to close policy "p", found end of input
# the end
         ^
hint: the policy starts at line 1
)");
}

TEST(ParseReject, MissingEvent) {
  EXPECT_EQ(parse_fail(R"(policy "p" mode enforce {
  kill when path under "/tmp"
})"),
            R"(test.rules:2:8: error: expected an event name after 'kill', found 'when'
  kill when path under "/tmp"
       ^~~~
hint: write, e.g.: kill exec when path == "/usr/bin/nc"
)");
}

TEST(ParseReject, MissingWhen) {
  EXPECT_EQ(parse_fail(R"(policy "p" mode enforce {
  deny exec path == "/usr/bin/nc"
})"),
            R"(test.rules:2:13: error: expected 'when', a message string or the end of the rule, found 'path'
  deny exec path == "/usr/bin/nc"
            ^~~~
hint: a condition starts with 'when', e.g.: deny exec when path == "/usr/bin/nc"
)");
}

TEST(ParseReject, MissingAndBetweenComparisons) {
  EXPECT_EQ(parse_fail(R"(policy "p" mode enforce {
  deny exec when path == "/a" binary == "/b"
})"),
            R"(test.rules:2:31: error: expected 'and', 'or', a message string or the end of the rule, found 'binary'
  deny exec when path == "/a" binary == "/b"
                              ^~~~~~
)");
}

TEST(ParseReject, MessageBeforeCondition) {
  EXPECT_EQ(parse_fail(R"(policy "p" mode enforce {
  deny exec "no nc" when path == "/usr/bin/nc"
})"),
            R"(test.rules:2:21: error: expected the next rule or '}' after the message, found 'when'
  deny exec "no nc" when path == "/usr/bin/nc"
                    ^~~~
hint: the message comes last: deny exec when ... "message"
)");
}

TEST(ParseReject, SingleEquals) {
  EXPECT_EQ(parse_fail(R"(policy "p" mode enforce {
  deny exec when path = "/usr/bin/nc"
})"),
            R"(test.rules:2:23: error: expected an operator (==, !=, in, not in, under) after 'path', found '='
  deny exec when path = "/usr/bin/nc"
                      ^
hint: did you mean '=='?
)");
}

TEST(ParseReject, NotBeforeUnder) {
  EXPECT_EQ(parse_fail(R"(policy "p" mode enforce {
  deny exec when path not under "/usr"
})"),
            R"(test.rules:2:27: error: expected 'in' after 'not', found 'under'
  deny exec when path not under "/usr"
                          ^~~~~
hint: to negate a comparison, write 'not' before it: not path under ...
)");
}

TEST(ParseReject, ListAfterEquals) {
  EXPECT_EQ(parse_fail(R"(policy "p" mode enforce {
  deny exec when path == ["/a", "/b"]
})"),
            R"(test.rules:2:26: error: expected a string after '==', found '['
  deny exec when path == ["/a", "/b"]
                         ^
hint: to match one of several values, write: path in [...]
)");
}

TEST(ParseReject, EqualsWithSetName) {
  EXPECT_EQ(parse_fail(R"(let s = ["/a"]
policy "p" mode enforce { deny exec when path == s })"),
            R"(test.rules:2:50: error: expected a string after '==', found 's'
policy "p" mode enforce { deny exec when path == s }
                                                 ^
hint: to match a named set, write: path in s
)");
}

TEST(ParseReject, StringAfterIn) {
  EXPECT_EQ(parse_fail(R"(policy "p" mode enforce {
  deny exec when path in "/a"
})"),
            R"(test.rules:2:26: error: expected a list or a set name after 'in', found a string
  deny exec when path in "/a"
                         ^~~~
hint: write a list, ["/a"], or compare one value with '=='
)");
}

TEST(ParseReject, KeywordAsSetName) {
  EXPECT_EQ(parse_fail(R"(policy "p" mode enforce { deny exec when path in when })"),
            R"(test.rules:1:50: error: expected a list or a set name after 'in', found 'when'
policy "p" mode enforce { deny exec when path in when }
                                                 ^~~~
)");
}

TEST(ParseReject, KeywordAsField) {
  EXPECT_EQ(parse_fail(R"(policy "p" mode enforce { deny exec when in == "/a" })"),
            R"(test.rules:1:42: error: expected a condition after 'when', found 'in'
policy "p" mode enforce { deny exec when in == "/a" }
                                         ^~
hint: a condition compares a field, e.g.: path == "/usr/bin/nc"
)");
}

TEST(ParseReject, EmptyParentheses) {
  EXPECT_EQ(parse_fail(R"(policy "p" mode enforce { deny exec when () })"),
            R"(test.rules:1:43: error: expected a condition after '(', found ')'
policy "p" mode enforce { deny exec when () }
                                          ^
)");
}

TEST(ParseReject, NotWithoutCondition) {
  EXPECT_EQ(parse_fail(R"(policy "p" mode enforce { deny exec when not })"),
            R"(test.rules:1:46: error: expected a condition after 'not', found '}'
policy "p" mode enforce { deny exec when not }
                                             ^
)");
}

TEST(ParseReject, MissingCloseParen) {
  EXPECT_EQ(parse_fail(R"(policy "p" mode enforce {
  deny exec when (path == "/a" or path == "/b"
})"),
            R"(test.rules:3:1: error: expected 'and', 'or' or ')', found '}'
}
^
hint: the '(' at line 2, column 18 is not closed
)");
}

TEST(ParseReject, DanglingAnd) {
  EXPECT_EQ(parse_fail(R"(policy "p" mode enforce {
  deny exec when path == "/a" and
})"),
            R"(test.rules:3:1: error: expected a condition after 'and', found '}'
}
^
)");
}

TEST(ParseReject, DanglingDot) {
  EXPECT_EQ(parse_fail(R"(policy "p" mode enforce {
  deny exec when parent. == "/a"
})"),
            R"(test.rules:2:25: error: expected a field name after '.', found a space
  deny exec when parent. == "/a"
                        ^
)");
}

TEST(ParseReject, ConditionMissingAtEndOfInput) {
  EXPECT_EQ(parse_fail(R"(policy "p" mode enforce {
  deny exec when

)"),
            R"(test.rules:2:17: error: expected a condition after 'when', found end of input
  deny exec when
                ^
hint: a condition compares a field, e.g.: path == "/usr/bin/nc"
)");
}

TEST(ParseReject, NonAsciiCharacter) {
  EXPECT_EQ(parse_fail(R"(policy "p" mode enforce { deny exec when path ≠ "/a" })"),
            R"(test.rules:1:47: error: expected an operator (==, !=, in, not in, under) after 'path', found '≠'
policy "p" mode enforce { deny exec when path ≠ "/a" }
                                              ^
)");
}

TEST(ParseReject, TabsAlignTheCaret) {
  EXPECT_EQ(parse_fail("policy \"p\" mode enforce {\n"
            "\tdeny\texec\twhen\tpath\t=\t\"/a\"\n"
            "}"),
            "test.rules:2:22: error: expected an operator (==, !=, in, not in, under) after 'path', found '='\n"
            "\tdeny\texec\twhen\tpath\t=\t\"/a\"\n"
            "\t    \t    \t    \t    \t^\n"
            "hint: did you mean '=='?\n");
}

TEST(ParseReject, LetWithoutName) {
  EXPECT_EQ(parse_fail(R"(let = ["/a"])"),
            R"(test.rules:1:5: error: expected a set name after 'let', found '='
let = ["/a"]
    ^
)");
}

TEST(ParseReject, LetWithoutEquals) {
  EXPECT_EQ(parse_fail(R"(let tools ["/a"])"),
            R"(test.rules:1:11: error: expected '=' after the set name, found '['
let tools ["/a"]
          ^
hint: write: let name = ["a", "b"]
)");
}

TEST(ParseReject, LetValueNotAString) {
  EXPECT_EQ(parse_fail(R"(let tools = usr)"),
            R"(test.rules:1:13: error: expected a string or a list of strings after '=', found 'usr'
let tools = usr
            ^~~
hint: write: let name = ["a", "b"]
)");
}

TEST(ParseReject, UnquotedListItem) {
  EXPECT_EQ(parse_fail(R"(let tools = [/usr/bin/nc])"),
            R"(test.rules:1:14: error: expected a string or ']' in the list, found '/'
let tools = [/usr/bin/nc]
             ^
)");
}

TEST(ParseReject, MissingCommaInList) {
  EXPECT_EQ(parse_fail(R"(let tools = ["/usr/bin/nc" "/usr/bin/ncat"])"),
            R"(test.rules:1:28: error: expected ',' or ']' after a list item, found a string
let tools = ["/usr/bin/nc" "/usr/bin/ncat"]
                           ^~~~~~~~~~~~~~~
)");
}

TEST(ParseReject, UnterminatedString) {
  EXPECT_EQ(parse_fail(R"(policy "p" mode enforce {
  deny exec when path == "/usr/bin/nc
})"),
            R"(test.rules:2:26: error: unterminated string
  deny exec when path == "/usr/bin/nc
                         ^~~~~~~~~~~~
hint: a string ends on the line where it starts; write a newline as \n
)");
}

TEST(ParseReject, UnterminatedStringAtEndOfInput) {
  EXPECT_EQ(parse_fail(R"(let x = "abc)"),
            R"(test.rules:1:9: error: unterminated string
let x = "abc
        ^~~~
hint: a string ends on the line where it starts; write a newline as \n
)");
}

TEST(ParseReject, UnknownEscape) {
  EXPECT_EQ(parse_fail(R"(let x = ["/tmp/a\qb"])"),
            R"(test.rules:1:17: error: unknown escape sequence '\q'
let x = ["/tmp/a\qb"]
                ^~
hint: a string can use the escapes \" \\ \n \t \xHH
)");
}

TEST(ParseReject, BadHexEscape) {
  EXPECT_EQ(parse_fail(R"(let x = "\x4g")"),
            R"(test.rules:1:12: error: expected two hex digits after '\x', found '4g'
let x = "\x4g"
           ^~
)");
}

TEST(ParseReject, TabInString) {
  EXPECT_EQ(parse_fail("let x = \"a\tb\""),
            "test.rules:1:11: error: tab character in a string\n"
            "let x = \"a\tb\"\n"
            "          ^\n"
            "hint: write it as \\t\n");
}

// clang-format on

TEST(ParseReject, ControlByteOutsideAString) {
  std::string input = "let x = \"a\"\n";
  input += '\0';
  std::string expected = "test.rules:2:1: error: expected 'let' or 'policy', "
                         "found control character 0x00\n";
  expected += '\0';
  expected += "\n^\n";
  EXPECT_EQ(parse_fail(input), expected);
}

TEST(ParseReject, UnreadableFile) {
  Diagnostics diags;
  EXPECT_FALSE(parse_rules_file("/nonexistent/palisade/x.rules", diags));
  EXPECT_EQ(diags.render(), "/nonexistent/palisade/x.rules: error: cannot "
                            "read the file: No such file or directory\n");
}

TEST(ParseReject, ADirectoryIsNotAFile) {
  Diagnostics diags;
  EXPECT_FALSE(parse_rules_file("/", diags));
  EXPECT_EQ(diags.render(), "/: error: cannot read the file: Is a directory\n");
}

TEST(ParseReject, ReadsAFile) {
  const std::string path = ::testing::TempDir() + "/dsl_parse_file.rules";
  std::FILE *f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs("policy \"p\" mode audit {\n  deny exec when path = \"/a\"\n}\n",
             f);
  std::fclose(f);
  Diagnostics diags;
  EXPECT_FALSE(parse_rules_file(path, diags));
  EXPECT_EQ(diags.render(),
            path + ":2:23: error: expected an operator (==, !=, in, not in, "
                   "under) after 'path', found '='\n"
                   "  deny exec when path = \"/a\"\n"
                   "                      ^\n"
                   "hint: did you mean '=='?\n");
  std::remove(path.c_str());
}

} // namespace
} // namespace palisade::dsl
