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

TEST(ParseReject, LabelWithoutAction) {
  EXPECT_EQ(parse_fail(R"(policy "baseline" mode enforce {
  no-netcat: exec when path == "/usr/bin/nc"
})"),
            R"(test.rules:2:14: error: expected an action after the label 'no-netcat', found 'exec'
  no-netcat: exec when path == "/usr/bin/nc"
             ^~~~
hint: write, e.g.: no-netcat: deny exec when path == "/usr/bin/nc"
)");
}

TEST(ParseReject, LabelWithSpaceBeforeColon) {
  EXPECT_EQ(parse_fail(R"(policy "baseline" mode enforce {
  no-netcat : deny exec
})"),
            R"(test.rules:2:3: error: expected a rule or '}', found 'no'
  no-netcat : deny exec
  ^~
hint: write a label with no space before its ':', e.g. no-netcat: deny exec ...
)");
}

TEST(ParseReject, KeywordAsLabel) {
  EXPECT_EQ(parse_fail(R"(policy "baseline" mode enforce {
  deny: deny exec
})"),
            R"(test.rules:2:7: error: expected an event name after 'deny', found ':'
  deny: deny exec
      ^
hint: a label is not a keyword: rename it, e.g. deny-rule:
)");
}

// A keyword label on the line after a rule: the rule before reads `when`
// or `and` as its own clause; the hint names the label, not the clause.
TEST(ParseReject, WhenAsLabelAfterRuleWithoutCondition) {
  EXPECT_EQ(parse_fail(R"(policy "baseline" mode enforce {
  deny exec
  when: deny exec when path == "/usr/bin/nc"
})"),
            R"(test.rules:3:7: error: expected a condition after 'when', found ':'
  when: deny exec when path == "/usr/bin/nc"
      ^
hint: a label is not a keyword: rename it, e.g. when-rule:
)");
}

TEST(ParseReject, AndAsLabelAfterCondition) {
  EXPECT_EQ(parse_fail(R"(policy "baseline" mode enforce {
  deny exec when path == "/usr/bin/nc"
  and: deny exec
})"),
            R"(test.rules:3:6: error: expected a condition after 'and', found ':'
  and: deny exec
     ^
hint: a label is not a keyword: rename it, e.g. and-rule:
)");
}

TEST(ParseReject, KeywordAsLabelAfterMessage) {
  EXPECT_EQ(parse_fail(R"(policy "baseline" mode enforce {
  deny exec "no exec"
  in: deny exec
})"),
            R"(test.rules:3:3: error: expected a rule or '}', found 'in'
  in: deny exec
  ^~
hint: a label is not a keyword: rename it, e.g. in-rule:
)");
}

TEST(ParseReject, LabelledRuleOutsidePolicy) {
  EXPECT_EQ(parse_fail("no-nc: deny exec\n"),
            R"(test.rules:1:1: error: a rule must be inside a policy
no-nc: deny exec
^~
hint: write: policy "name" mode enforce { ... }
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
hint: 'enforce' blocks what the rules deny; 'audit' only records what they would block
)");
}

TEST(ParseReject, MisspeltMode) {
  EXPECT_EQ(parse_fail(R"(policy "baseline" mode enforcing { deny exec })"),
            R"(test.rules:1:24: error: expected 'enforce' or 'audit' after 'mode', found 'enforcing'
policy "baseline" mode enforcing { deny exec }
                       ^~~~~~~~~
hint: did you mean 'enforce'?
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
            R"(test.rules:2:23: error: expected an operator (==, !=, in, not in, under, startswith, endswith, matches) after 'path', found '='
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
            R"(test.rules:2:26: error: expected a value after '==', found '['
  deny exec when path == ["/a", "/b"]
                         ^
hint: to match one of several values, write: path in [...]
)");
}

TEST(ParseReject, EqualsWithAKeyword) {
  EXPECT_EQ(parse_fail(R"(policy "p" mode enforce { deny exec when path == in })"),
            R"(test.rules:1:50: error: expected a value after '==', found 'in'
policy "p" mode enforce { deny exec when path == in }
                                                 ^~
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
            R"(test.rules:1:47: error: expected an operator (==, !=, in, not in, under, startswith, endswith, matches) after 'path', found '≠'
policy "p" mode enforce { deny exec when path ≠ "/a" }
                                              ^
)");
}

TEST(ParseReject, TabsAlignTheCaret) {
  EXPECT_EQ(parse_fail("policy \"p\" mode enforce {\n"
            "\tdeny\texec\twhen\tpath\t=\t\"/a\"\n"
            "}"),
            "test.rules:2:22: error: expected an operator (==, !=, in, not in, under, startswith, endswith, matches) after 'path', found '='\n"
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

// ---- numbers, ranges and ordering comparisons

TEST(ParseReject, OrderingWithAString) {
  EXPECT_EQ(parse_fail(R"(policy "p" mode enforce {
  deny connect when port < "22"
})"),
            R"(test.rules:2:28: error: expected a number after '<', found a string
  deny connect when port < "22"
                           ^~~~
hint: '<' compares with a number, e.g. port < 1024
hint: write the number without quotes: port < 22
)");
}

TEST(ParseReject, OrderingWithoutNumber) {
  EXPECT_EQ(parse_fail(R"(policy "p" mode enforce {
  deny connect when port <
})"),
            R"(test.rules:3:1: error: expected a number after '<', found '}'
}
^
hint: '<' compares with a number, e.g. port < 1024
)");
}

TEST(ParseReject, OrderingWithAList) {
  EXPECT_EQ(parse_fail(R"(policy "p" mode enforce {
  deny connect when port <= [1, 2]
})"),
            R"(test.rules:2:29: error: expected a number after '<=', found '['
  deny connect when port <= [1, 2]
                            ^
hint: '<=' compares with a number, e.g. port <= 1024
hint: to match one of several values, write: port in [...]
)");
}

TEST(ParseReject, OrderingWithARange) {
  EXPECT_EQ(parse_fail(R"(policy "p" mode enforce {
  deny connect when port >= 1..9
})"),
            R"(test.rules:2:29: error: '>=' compares with one number, not a range
  deny connect when port >= 1..9
                            ^~~~
hint: to test a range, write: port in [1..9]
)");
}

TEST(ParseReject, OrderingWithAHalfRange) {
  EXPECT_EQ(parse_fail(R"(policy "p" mode enforce {
  deny connect when port > 1..
})"),
            R"(test.rules:2:28: error: '>' compares with one number, not a range
  deny connect when port > 1..
                           ^~~
hint: to test a range, write: port in [first..last]
)");
}

TEST(ParseReject, NegativeNumber) {
  EXPECT_EQ(parse_fail(R"(policy "p" mode enforce {
  deny connect when uid < -1
})"),
            R"(test.rules:2:27: error: expected a number after '<', found '-'
  deny connect when uid < -1
                          ^
hint: '<' compares with a number, e.g. uid < 1024
hint: numbers have no sign: they go from 0 to 18446744073709551615
)");
}

TEST(ParseReject, NegativeNumberAfterEquals) {
  EXPECT_EQ(parse_fail(R"(policy "p" mode enforce {
  deny connect when uid == -1
})"),
            R"(test.rules:2:28: error: expected a value after '==', found '-'
  deny connect when uid == -1
                           ^
hint: numbers have no sign: they go from 0 to 18446744073709551615
)");
}

TEST(ParseReject, ArrowInsteadOfGreaterOrEqual) {
  EXPECT_EQ(parse_fail(R"(policy "p" mode enforce {
  deny connect when uid => 1000
})"),
            R"(test.rules:2:25: error: expected an operator (==, !=, in, not in, under, startswith, endswith, matches) after 'uid', found '='
  deny connect when uid => 1000
                        ^
hint: did you mean '>='?
)");
}

TEST(ParseReject, NotBeforeOrdering) {
  EXPECT_EQ(parse_fail(R"(policy "p" mode enforce {
  deny connect when port not < 1024
})"),
            R"(test.rules:2:30: error: expected 'in' after 'not', found '<'
  deny connect when port not < 1024
                             ^
hint: to negate a comparison, write 'not' before it: not port < ...
)");
}

TEST(ParseReject, RangeWithoutEnd) {
  EXPECT_EQ(parse_fail(R"(policy "p" mode enforce {
  deny connect when port == 1..
})"),
            R"(test.rules:2:32: error: expected a number after '..', found end of line
  deny connect when port == 1..
                               ^
hint: a range includes both ends, e.g. 6000..6063
)");
}

TEST(ParseReject, RangeWithThreeDots) {
  EXPECT_EQ(parse_fail(R"(let ports = [1...2])"),
            R"(test.rules:1:17: error: expected a number after '..', found '.'
let ports = [1...2]
                ^
hint: a range includes both ends, e.g. 6000..6063
)");
}

TEST(ParseReject, ChainedRange) {
  EXPECT_EQ(parse_fail(R"(policy "p" mode enforce {
  deny connect when port in [1..2..3]
})"),
            R"(test.rules:2:34: error: a range has only one '..'
  deny connect when port in [1..2..3]
                                 ^~
hint: a range is first..last, e.g. 6000..6063
)");
}

TEST(ParseReject, SpacedRange) {
  EXPECT_EQ(parse_fail(R"(policy "p" mode enforce {
  deny connect when port == 1 ..2
})"),
            R"(test.rules:2:31: error: expected 'and', 'or', a message string or the end of the rule, found '.'
  deny connect when port == 1 ..2
                              ^
hint: write a range without spaces around '..', e.g. 6000..6063
)");
}

TEST(ParseReject, SpacedRangeInList) {
  EXPECT_EQ(parse_fail(R"(let ports = [1 .. 2])"),
            R"(test.rules:1:16: error: expected ',' or ']' after a list item, found '.'
let ports = [1 .. 2]
               ^
hint: write a range without spaces around '..', e.g. 6000..6063
)");
}

TEST(ParseReject, SpacedRangeInLet) {
  EXPECT_EQ(parse_fail(R"(let low = 0 ..1023)"),
            R"(test.rules:1:13: error: expected 'let' or 'policy', found '.'
let low = 0 ..1023
            ^
hint: write a range without spaces around '..', e.g. 6000..6063
)");
}

TEST(ParseReject, SpacedRangeInParentheses) {
  EXPECT_EQ(parse_fail(R"(policy "p" mode enforce {
  deny connect when (port == 1.. 2)
})"),
            R"(test.rules:2:33: error: expected a number after '..', found a space
  deny connect when (port == 1.. 2)
                                ^
hint: write a range without spaces around '..', e.g. 6000..6063
)");
  EXPECT_EQ(parse_fail(R"(policy "p" mode enforce {
  deny connect when (port == 1 ..2)
})"),
            R"(test.rules:2:32: error: expected 'and', 'or' or ')', found '.'
  deny connect when (port == 1 ..2)
                               ^
hint: write a range without spaces around '..', e.g. 6000..6063
)");
}

TEST(ParseReject, EmptyRange) {
  EXPECT_EQ(parse_fail(R"(let ports = [22, 6063..6000])"),
            R"(test.rules:1:18: error: empty range 6063..6000: its first number is greater than its last
let ports = [22, 6063..6000]
                 ^~~~~~~~~~
hint: write the smaller number first: 6000..6063
)");
}

TEST(ParseReject, NumberTooLong) {
  EXPECT_EQ(parse_fail(R"(policy "p" mode enforce {
  deny connect when port == 1234567890123456789012345
})"),
            R"(test.rules:2:29: error: number too long
  deny connect when port == 1234567890123456789012345
                            ^~~~~~~~~~~~~~~~~~~~~~~~~
hint: a number has at most 20 digits: the largest is 18446744073709551615
)");
}

TEST(ParseReject, NumberTooLarge) {
  EXPECT_EQ(parse_fail(R"(let big = 18446744073709551616)"),
            R"(test.rules:1:11: error: number too large
let big = 18446744073709551616
          ^~~~~~~~~~~~~~~~~~~~
hint: the largest number is 18446744073709551615
)");
}

TEST(ParseReject, RangeEndTooLarge) {
  EXPECT_EQ(parse_fail(R"(let big = [0..99999999999999999999])"),
            R"(test.rules:1:15: error: number too large
let big = [0..99999999999999999999]
              ^~~~~~~~~~~~~~~~~~~~
hint: the largest number is 18446744073709551615
)");
}

TEST(ParseReject, LeadingZero) {
  EXPECT_EQ(parse_fail(R"(policy "p" mode enforce {
  deny open when perm == 0755
})"),
            R"(test.rules:2:26: error: a number does not start with 0
  deny open when perm == 0755
                         ^~~~
hint: numbers are decimal: write 493 for octal 0755, or 755
)");
}

TEST(ParseReject, LeadingZeroNotOctal) {
  EXPECT_EQ(parse_fail(R"(let ports = [0080])"),
            R"(test.rules:1:14: error: a number does not start with 0
let ports = [0080]
             ^~~~
hint: numbers are decimal: write 80
)");
}

TEST(ParseReject, HexNumber) {
  EXPECT_EQ(parse_fail(R"(policy "p" mode enforce {
  deny connect when port == 0x16
})"),
            R"(test.rules:2:30: error: unexpected 'x16' after the number 0
  deny connect when port == 0x16
                             ^~~
hint: numbers are decimal: write 22 for 0x16
)");
}

TEST(ParseReject, LettersAfterNumber) {
  EXPECT_EQ(parse_fail(R"(let ports = [22abc])"),
            R"(test.rules:1:16: error: unexpected 'abc' after the number 22
let ports = [22abc]
               ^~~
hint: to compare with text, quote it: "22abc"
)");
}

TEST(ParseReject, KeywordGluedToNumber) {
  EXPECT_EQ(parse_fail(R"(policy "p" mode enforce {
  deny connect when port == 22and uid == 0
})"),
            R"(test.rules:2:31: error: unexpected 'and' after the number 22
  deny connect when port == 22and uid == 0
                              ^~~
hint: put a space between 22 and 'and'
)");
}

TEST(ParseReject, FractionalNumber) {
  EXPECT_EQ(parse_fail(R"(policy "p" mode enforce {
  deny connect when port == 1.5
})"),
            R"(test.rules:2:30: error: unexpected '.' after a number
  deny connect when port == 1.5
                             ^
hint: numbers are whole; a range is first..last, e.g. 6000..6063
)");
}

TEST(ParseReject, UnquotedAddress) {
  EXPECT_EQ(parse_fail(R"(policy "p" mode enforce {
  deny connect when address == 10.0.0.0/8
})"),
            R"(test.rules:2:34: error: unexpected '.' after a number
  deny connect when address == 10.0.0.0/8
                                 ^
hint: an address is a string: "10.0.0.0/8"
)");
}

TEST(ParseReject, NumberAfterIn) {
  EXPECT_EQ(parse_fail(R"(policy "p" mode enforce {
  deny connect when port in 22
})"),
            R"(test.rules:2:29: error: expected a list or a set name after 'in', found '22'
  deny connect when port in 22
                            ^~
hint: write a list, [22], or compare one value with '=='
)");
}

TEST(ParseReject, RangeAfterIn) {
  EXPECT_EQ(parse_fail(R"(policy "p" mode enforce {
  deny connect when port not in 1..5
})"),
            R"(test.rules:2:33: error: expected a list or a set name after 'in', found '1..5'
  deny connect when port not in 1..5
                                ^~~~
hint: write a list, [1..5], or compare one value with '=='
)");
}

TEST(ParseReject, NumberAfterUnder) {
  EXPECT_EQ(parse_fail(R"(policy "p" mode enforce {
  deny exec when path under 3
})"),
            R"(test.rules:2:29: error: expected a string, a list or a set name after 'under', found '3'
  deny exec when path under 3
                            ^
hint: 'under' takes a directory as a string, e.g. path under "/tmp"
)");
}

TEST(ParseReject, NegativeNumberInList) {
  EXPECT_EQ(parse_fail(R"(let ids = [0, -1])"),
            R"(test.rules:1:15: error: expected a string or ']' in the list, found '-'
let ids = [0, -1]
              ^
hint: numbers have no sign: they go from 0 to 18446744073709551615
)");
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
  EXPECT_EQ(
      diags.render(),
      path + ":2:23: error: expected an operator (==, !=, in, not in, "
             "under, startswith, endswith, matches) after 'path', found '='\n"
             "  deny exec when path = \"/a\"\n"
             "                      ^\n"
             "hint: did you mean '=='?\n");
  std::remove(path.c_str());
}

TEST(ParseReject, NumberAfterPatternOperator) {
  EXPECT_EQ(
      parse_fail(R"(policy "p" mode enforce {
  deny open when path endswith 22
})"),
      R"(test.rules:2:32: error: expected a string, a list or a set name after 'endswith', found '22'
  deny open when path endswith 22
                               ^~
hint: 'endswith' takes quoted strings: one, a list of them or the name of a set of them
)");
}

TEST(ParseReject, KeywordAfterUnderIsNoSetName) {
  EXPECT_EQ(
      parse_fail(R"(policy "p" mode enforce {
  deny exec when path under in
})"),
      R"(test.rules:2:29: error: expected a string, a list or a set name after 'under', found 'in'
  deny exec when path under in
                            ^~
)");
}

TEST(ParseReject, UnclosedListAfterStartswith) {
  EXPECT_EQ(
      parse_fail(R"(policy "p" mode enforce {
  deny exec when path startswith ["/a" "/b"]
})"),
      R"(test.rules:2:40: error: expected ',' or ']' after a list item, found a string
  deny exec when path startswith ["/a" "/b"]
                                       ^~~~
)");
}

TEST(ParseReject, PatternKeywordIsNoField) {
  EXPECT_EQ(
      parse_fail(R"(policy "p" mode enforce {
  deny exec when matches == "/a"
})"),
      R"(test.rules:2:18: error: expected a condition after 'when', found 'matches'
  deny exec when matches == "/a"
                 ^~~~~~~
hint: a condition compares a field, e.g.: path == "/usr/bin/nc"
)");
}

} // namespace
} // namespace palisade::dsl
