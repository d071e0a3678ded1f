// The grammar on its own, without actions: PEGTL's analysis and the
// lexical rules.
#include <gtest/gtest.h>

#include <tao/pegtl.hpp>
#include <tao/pegtl/contrib/analyze.hpp>

#include "grammar.h"

namespace palisade::dsl {
namespace {

namespace pegtl = tao::pegtl;

// True if Rule matches all of `text` (a must<> failure inside counts as no).
template <typename Rule> bool matches(const std::string &text) {
  pegtl::memory_input in(text, "test");
  try {
    return pegtl::parse<pegtl::seq<Rule, pegtl::eof>>(in);
  } catch (const pegtl::parse_error &) {
    return false;
  }
}

TEST(Grammar, AnalyzeFindsNoProblems) {
  // Counts rules that could loop without consuming input.
  EXPECT_EQ(pegtl::analyze<grammar::file>(), 0u);
  // The entry error recovery parses the rest of a policy with.
  EXPECT_EQ(pegtl::analyze<grammar::policy_rest>(), 0u);
}

TEST(Grammar, KeywordsAreWholeWords) {
  EXPECT_TRUE(matches<grammar::kw_not>("not"));
  EXPECT_FALSE(matches<grammar::kw_not>("notary"));
  EXPECT_TRUE(matches<grammar::name>("notary"));
  EXPECT_TRUE(matches<grammar::name>("in_set"));
  EXPECT_TRUE(matches<grammar::name>("_x9"));
  EXPECT_FALSE(matches<grammar::name>("not"));
  EXPECT_FALSE(matches<grammar::name>("under"));
  EXPECT_FALSE(matches<grammar::name>("9lives"));
}

TEST(Grammar, Fields) {
  EXPECT_TRUE(matches<grammar::field>("path"));
  EXPECT_TRUE(matches<grammar::field>("parent.binary"));
  EXPECT_TRUE(matches<grammar::field>("a.b.c"));
  EXPECT_FALSE(matches<grammar::field>("parent."));
  EXPECT_FALSE(matches<grammar::field>("parent .binary"));
}

TEST(Grammar, Strings) {
  EXPECT_TRUE(matches<grammar::string_lit>(R"("")"));
  EXPECT_TRUE(matches<grammar::string_lit>(R"("/usr/bin/nc")"));
  EXPECT_TRUE(matches<grammar::string_lit>(R"("a\"b\\c\nd\te\x41\xfF")"));
  EXPECT_TRUE(matches<grammar::string_lit>("\"caf\xc3\xa9\"")); // UTF-8 bytes
  EXPECT_FALSE(matches<grammar::string_lit>(R"("abc)"));
  EXPECT_FALSE(matches<grammar::string_lit>("\"a\nb\""));
  EXPECT_FALSE(matches<grammar::string_lit>("\"a\tb\""));
  EXPECT_FALSE(matches<grammar::string_lit>(R"("\q")"));
  EXPECT_FALSE(matches<grammar::string_lit>(R"("\x4")"));
}

TEST(Grammar, WhitespaceAndComments) {
  EXPECT_TRUE(matches<grammar::file>(""));
  EXPECT_TRUE(matches<grammar::file>("  \n\t# only a comment"));
  EXPECT_TRUE(matches<grammar::file>("# a\n\n  # b\r\n"));
  EXPECT_TRUE(
      matches<grammar::file>("let#c\nx#c\n=#c\n[#c\n\"a\"#c\n,#c\n]#c\n"));
}

TEST(Grammar, Lists) {
  EXPECT_TRUE(matches<grammar::string_list>("[]"));
  EXPECT_TRUE(matches<grammar::string_list>("[ \"a\" ]"));
  EXPECT_TRUE(matches<grammar::string_list>("[\"a\",\"b\",]"));
  EXPECT_FALSE(matches<grammar::string_list>("[,]"));
  EXPECT_FALSE(matches<grammar::string_list>("[\"a\",,]"));
  EXPECT_FALSE(matches<grammar::string_list>("[\"a\" \"b\"]"));
}

TEST(Grammar, NumbersAndRanges) {
  EXPECT_TRUE(matches<grammar::number_value>("0"));
  EXPECT_TRUE(matches<grammar::number_value>("22"));
  EXPECT_TRUE(matches<grammar::number_value>("6000..6063"));
  EXPECT_TRUE(matches<grammar::number_value>("1..1"));
  EXPECT_FALSE(matches<grammar::number_value>("1.."));
  EXPECT_FALSE(matches<grammar::number_value>("..1"));
  EXPECT_FALSE(matches<grammar::number_value>("1...2"));
  EXPECT_FALSE(matches<grammar::number_value>("1..2..3"));
  EXPECT_FALSE(matches<grammar::number_value>("1 ..2"));
  EXPECT_FALSE(matches<grammar::number_value>("1.5"));
  EXPECT_FALSE(matches<grammar::number_value>("22abc"));
  EXPECT_FALSE(matches<grammar::number_value>("0x16"));
  EXPECT_FALSE(matches<grammar::number_value>("-1"));
  EXPECT_FALSE(matches<grammar::number_value>("+1"));
  // Length, leading zeros, 2^64 and empty ranges are checked by the parse
  // actions (parse_reject_test.cpp), not by the grammar alone.
  EXPECT_TRUE(matches<grammar::number_value>("0123456789012345678901234"));
  EXPECT_TRUE(matches<grammar::number_value>("9..1"));
}

TEST(Grammar, Values) {
  EXPECT_TRUE(matches<grammar::value>("\"22\""));
  EXPECT_TRUE(matches<grammar::value>("22"));
  EXPECT_TRUE(matches<grammar::value>("1..2"));
  EXPECT_FALSE(matches<grammar::value>("port"));
  EXPECT_TRUE(matches<grammar::string_list>("[1, \"a\", 2..3,]"));
  EXPECT_TRUE(matches<grammar::string_list>("[1,2]"));
  EXPECT_FALSE(matches<grammar::string_list>("[1 2]"));
  EXPECT_TRUE(matches<grammar::let_decl>("let p = 22"));
  EXPECT_TRUE(matches<grammar::let_decl>("let p = 1..9"));
}

TEST(Grammar, OrderingOperators) {
  for (const char *op : {"<", "<=", ">", ">="}) {
    SCOPED_TRACE(op);
    const std::string o = op;
    EXPECT_TRUE(matches<grammar::comparison>("port " + o + " 1024"));
    EXPECT_TRUE(matches<grammar::comparison>("port" + o + "1024"));
    EXPECT_FALSE(matches<grammar::comparison>("port " + o + " \"1024\""));
    EXPECT_FALSE(matches<grammar::comparison>("port " + o + " [1]"));
    EXPECT_FALSE(matches<grammar::comparison>("port " + o + " 1..2"));
    // A name is a let of one number (the engine checks that).
    EXPECT_TRUE(matches<grammar::comparison>("port " + o + " low_ports"));
  }
  EXPECT_FALSE(matches<grammar::comparison>("port =< 1"));
  EXPECT_FALSE(matches<grammar::comparison>("port < = 1"));
  EXPECT_TRUE(matches<grammar::comparison>("port == 1..2"));
  EXPECT_TRUE(matches<grammar::comparison>("port != 2"));
  EXPECT_FALSE(matches<grammar::comparison>("path under 3"));
}

} // namespace
} // namespace palisade::dsl
