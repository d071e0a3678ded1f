// The parser records `#` comments for the formatter: each once, in source
// order, with its text, location and whether code precedes it on its line.
#include <gtest/gtest.h>

#include "test_util.h"

namespace palisade::dsl {
namespace {

using test::parse_ok;
using test::span;

TEST(ParseComments, TextLocationAndKind) {
  PolicyFile f = parse_ok("# top\n"
                          "let a = \"x\"   # after let   \n"
                          "policy \"p\" mode enforce {\n"
                          "    # inside\n"
                          "  deny exec\n"
                          "}");
  ASSERT_EQ(f.comments.size(), 3u);
  EXPECT_EQ(f.comments[0].text, "# top");
  EXPECT_FALSE(f.comments[0].trailing);
  EXPECT_EQ(span(f.comments[0].loc), "1:1-1:6");
  EXPECT_EQ(f.comments[1].text, "# after let"); // trailing blanks cut
  EXPECT_TRUE(f.comments[1].trailing);
  EXPECT_EQ(span(f.comments[1].loc), "2:15-2:26");
  EXPECT_EQ(f.comments[2].text, "# inside");
  EXPECT_FALSE(f.comments[2].trailing);
  EXPECT_EQ(span(f.comments[2].loc), "4:5-4:13");
}

// The grammar tries `and`, `or`, `when` and a message after an operand and
// backs off; the comment it skipped on the way must still be recorded once.
TEST(ParseComments, RecordedOnceDespiteBacktracking) {
  PolicyFile f = parse_ok("policy \"p\" mode enforce {\n"
                          "  deny exec when path == \"/a\" # one\n"
                          "  # two\n"
                          "  deny exec # three\n"
                          "}\n");
  ASSERT_EQ(f.comments.size(), 3u);
  EXPECT_EQ(f.comments[0].text, "# one");
  EXPECT_EQ(f.comments[1].text, "# two");
  EXPECT_EQ(f.comments[2].text, "# three");
}

TEST(ParseComments, CrlfAndEndOfInput) {
  PolicyFile f = parse_ok("# a\r\nlet x = \"y\" # b");
  ASSERT_EQ(f.comments.size(), 2u);
  EXPECT_EQ(f.comments[0].text, "# a");
  EXPECT_EQ(f.comments[1].text, "# b");
}

TEST(ParseComments, HashInsideAStringIsNoComment) {
  PolicyFile f = parse_ok("let x = \"a # b\"");
  EXPECT_TRUE(f.comments.empty());
  EXPECT_EQ(f.lets[0].values[0].value, "a # b");
}

TEST(ParseComments, LetRemembersItsForm) {
  PolicyFile f = parse_ok("let one = \"a\"\nlet list = [\"a\"]\nlet none = []");
  ASSERT_EQ(f.lets.size(), 3u);
  EXPECT_FALSE(f.lets[0].list);
  EXPECT_TRUE(f.lets[1].list);
  EXPECT_TRUE(f.lets[2].list);
}

} // namespace
} // namespace palisade::dsl
