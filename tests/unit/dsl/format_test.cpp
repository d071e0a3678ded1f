// The formatter: canonical text (goldens), comments kept, and its contract
// (idempotent, same policy after a round trip) on every example file.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "palisade/dsl/format.h"
#include "test_util.h"

namespace palisade::dsl {
namespace {

using test::parse_ok;

std::string fmt(const std::string &text) {
  return format_rules(parse_ok(text));
}

// The formatter's contract for one input that parses.
void expect_contract(const std::string &name, const std::string &text) {
  SCOPED_TRACE(name);
  const PolicyFile original = parse_ok(text);
  const std::string once = format_rules(original);
  const PolicyFile again = parse_ok(once);
  EXPECT_TRUE(same_policy(original, again)) << once;
  EXPECT_EQ(format_rules(again), once);
  std::vector<std::string> before, after;
  for (const Comment &c : original.comments)
    before.push_back(c.text);
  for (const Comment &c : again.comments)
    after.push_back(c.text);
  std::sort(before.begin(), before.end());
  std::sort(after.begin(), after.end());
  EXPECT_EQ(before, after) << "comments lost or changed";
}

std::string condition(const std::string &cond) {
  const std::string out =
      fmt("policy \"p\" mode enforce { deny exec when " + cond + " }");
  const std::string head = "policy \"p\" mode enforce {\n  deny exec when ";
  EXPECT_EQ(out.substr(0, head.size()), head);
  return out.substr(head.size(), out.size() - head.size() - 3); // "\n}\n"
}

// ---- the canonical style

TEST(Format, MessyInputGolden) {
  const std::string messy = R"(# header of the file
# second line

policy   "baseline"   mode enforce{
  deny    exec when path   in   net_tools     "no raw network tools"
    kill exec when path under "/dev/shm" or
       path under "/var/tmp"   # shared memory and friends



  allow exec when ((path in net_tools) and (binary=="/usr/sbin/sshd"))
  audit exec}
let net_tools=["/usr/bin/nc.openbsd","/usr/bin/ncat",]
policy "trial" mode audit { deny exec when not(path=="/a" or path!="/b") "m" }
  let   one = "/tmp"
)";
  const std::string expected = R"(# header of the file
# second line

let net_tools = ["/usr/bin/nc.openbsd", "/usr/bin/ncat"]
let one = "/tmp"

policy "baseline" mode enforce {
  deny exec when path in net_tools "no raw network tools"
  kill exec when path under "/dev/shm" or path under "/var/tmp"  # shared memory and friends

  allow exec when path in net_tools and binary == "/usr/sbin/sshd"
  audit exec
}

policy "trial" mode audit {
  deny exec when not (path == "/a" or path != "/b") "m"
}
)";
  EXPECT_EQ(fmt(messy), expected);
  EXPECT_EQ(fmt(expected), expected);
}

TEST(Format, EmptyInputs) {
  EXPECT_EQ(fmt(""), "");
  EXPECT_EQ(fmt("  \n\n\t\n"), "");
  EXPECT_EQ(fmt("# only\n\n\n# comments  \n"), "# only\n\n# comments\n");
  EXPECT_EQ(fmt("policy \"e\" mode audit { }"), "policy \"e\" mode audit {}\n");
}

TEST(Format, RuleShapes) {
  EXPECT_EQ(fmt("policy \"p\" mode audit{kill exec \"m\" allow  exec}"),
            "policy \"p\" mode audit {\n  kill exec \"m\"\n  allow exec\n}\n");
  EXPECT_EQ(fmt("policy \"p\" mode enforce { deny exec when parent.binary "
                "not in [ ] }"),
            "policy \"p\" mode enforce {\n"
            "  deny exec when parent.binary not in []\n}\n");
}

TEST(Format, LabelsKept) {
  const std::string out =
      "policy \"p\" mode enforce {\n"
      "  no-nc: deny exec when path == \"/usr/bin/nc\" \"m\"\n"
      "  _x9: allow exec\n}\n";
  EXPECT_EQ(fmt("policy \"p\" mode enforce {no-nc:deny exec when path == "
                "\"/usr/bin/nc\" \"m\" _x9:\n  allow exec}"),
            out);
  EXPECT_EQ(fmt(out), out);
}

TEST(Format, LongMessageGoesOnItsOwnLine) {
  const std::string rule = "  deny exec when path under \"/var/lib/something\"";
  const std::string msg = "\"a message that does not fit on the line\"";
  ASSERT_GT(rule.size() + 1 + msg.size(), 80u);
  const std::string out =
      "policy \"p\" mode enforce {\n" + rule + "\n    " + msg + "  # c\n}\n";
  EXPECT_EQ(fmt("policy \"p\" mode enforce {" + rule + " " + msg + " # c\n}"),
            out);
  EXPECT_EQ(fmt(out), out);
}

TEST(Format, BlankLinesBetweenRulesKeptOnce) {
  EXPECT_EQ(fmt("policy \"p\" mode enforce {\n\n\n  audit exec\n\n\n"
                "  deny exec\n  kill exec\n\n}\n"),
            "policy \"p\" mode enforce {\n  audit exec\n\n  deny exec\n"
            "  kill exec\n}\n");
}

// ---- precedence: parentheses only where they are needed

TEST(Format, ParenthesesOnlyWhereNeeded) {
  EXPECT_EQ(
      condition("(path == \"/a\" or path == \"/b\") and binary == \"/c\""),
      "(path == \"/a\" or path == \"/b\") and binary == \"/c\"");
  EXPECT_EQ(
      condition("path == \"/a\" or (path == \"/b\" and binary == \"/c\")"),
      "path == \"/a\" or path == \"/b\" and binary == \"/c\"");
  EXPECT_EQ(condition("not (path == \"/a\" and path == \"/b\")"),
            "not (path == \"/a\" and path == \"/b\")");
  EXPECT_EQ(condition("(not path == \"/a\") and (((path == \"/b\")))"),
            "not path == \"/a\" and path == \"/b\"");
  EXPECT_EQ(condition("not not path in s"), "not not path in s");
  EXPECT_EQ(condition("not path in s or path not in s"),
            "not path in s or path not in s");
}

TEST(Format, NestedChainsPrintFlat) {
  const std::string in = "(path == \"/a\" and path == \"/b\") and (path == "
                         "\"/c\" and (path == \"/d\"))";
  EXPECT_EQ(condition(in),
            "path == \"/a\" and path == \"/b\" and path == \"/c\" and "
            "path == \"/d\"");
  EXPECT_EQ(condition("path == \"/a\" or (path == \"/b\" or path == \"/c\")"),
            "path == \"/a\" or path == \"/b\" or path == \"/c\"");
  // The AST differs in shape (a nested chain) but is the same policy.
  expect_contract("nested",
                  "policy \"p\" mode enforce { deny exec when " + in + " }");
}

// ---- strings

TEST(Format, EscapesAreCanonical) {
  EXPECT_EQ(
      fmt(R"(let s = ["q\"b\\s", "n\nt\t", "\x41\x01\x7f\xff\x1f"])"),
      "let s = [\"q\\\"b\\\\s\", \"n\\nt\\t\", \"A\\x01\\x7f\\xff\\x1f\"]\n");
}

TEST(Format, Utf8StaysUnlessInvisible) {
  // é stays; U+202E (right-to-left override) and a lone continuation byte
  // do not print as themselves, so they are escaped byte by byte.
  EXPECT_EQ(fmt("let s = [\"/home/jos\xc3\xa9\", \"a\xe2\x80\xae"
                "b\", "
                "\"\\x80\", \"\\xc3\\xa9\"]"),
            "let s = [\"/home/jos\xc3\xa9\", \"a\\xe2\\x80\\xaeb\", \"\\x80\", "
            "\"\xc3\xa9\"]\n");
}

TEST(Format, EveryByteRoundTrips) {
  std::string all;
  for (int c = 0; c < 256; ++c) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "\\x%02x", c);
    all += hex;
  }
  const std::string text = "policy \"" + all +
                           "\" mode enforce { deny exec "
                           "when path == \"" +
                           all + "\" \"" + all + "\" }";
  expect_contract("bytes", text);
  const PolicyFile f = parse_ok(fmt(text));
  EXPECT_EQ(f.policies[0].name.size(), 256u);
  EXPECT_EQ(f.policies[0].rules[0].message->value, f.policies[0].name);
}

// ---- lists

TEST(Format, LongListWraps) {
  const std::string in = "let tools = [\"/usr/bin/nc.openbsd\", "
                         "\"/usr/bin/nc.traditional\", \"/usr/bin/ncat\", "
                         "\"/usr/bin/socat\"]";
  ASSERT_GT(in.size(), 80u);
  EXPECT_EQ(fmt(in), "let tools = [\n"
                     "  \"/usr/bin/nc.openbsd\",\n"
                     "  \"/usr/bin/nc.traditional\",\n"
                     "  \"/usr/bin/ncat\",\n"
                     "  \"/usr/bin/socat\",\n"
                     "]\n");
}

TEST(Format, ShortListStaysOnOneLine) {
  // Exactly 80 columns fits; 81 wraps.
  const std::string x68(68, 'x');
  const std::string one = "let t = [\"" + x68 + "\"]\n";
  ASSERT_EQ(one.size(), 81u); // 80 and the newline
  EXPECT_EQ(fmt("let t = [\n  \"" + x68 + "\",\n]"), one);
  EXPECT_EQ(fmt("let t = [\"" + x68 + "x\"]"),
            "let t = [\n  \"" + x68 + "x\",\n]\n");
}

TEST(Format, ListWithCommentsWraps) {
  EXPECT_EQ(fmt("let t = [\"a\", # why a\n \"b\"]"),
            "let t = [\n  \"a\",  # why a\n  \"b\",\n]\n");
  EXPECT_EQ(fmt("let t = [ # all of them\n\"a\"]"),
            "let t = [  # all of them\n  \"a\",\n]\n");
  EXPECT_EQ(fmt("let t = [\n # none yet\n]"), "let t = [\n  # none yet\n]\n");
  EXPECT_EQ(fmt("let t = [\"a\"] # short"), "let t = [\"a\"]  # short\n");
}

// ---- numbers and ranges

TEST(Format, NumbersAndRangesPrintBare) {
  const std::string messy = R"(let admin_ports=[22,2222,8000..8080,]
let ssh=22   let low   =   0..1023
policy "net" mode enforce {
  deny connect when port==22
  deny connect when port in[22,23,6000..6063]
  deny bind when port<1024 and uid!=0
  audit open when uid>=1000 or uid<=1 or uid>5
  allow connect when address in ["10.0.0.0/8","::1"] and port in admin_ports
  deny connect when port == "22" and (port != 1..2)
}
)";
  const std::string expected = R"(let admin_ports = [22, 2222, 8000..8080]
let ssh = 22
let low = 0..1023

policy "net" mode enforce {
  deny connect when port == 22
  deny connect when port in [22, 23, 6000..6063]
  deny bind when port < 1024 and uid != 0
  audit open when uid >= 1000 or uid <= 1 or uid > 5
  allow connect when address in ["10.0.0.0/8", "::1"] and port in admin_ports
  deny connect when port == "22" and port != 1..2
}
)";
  EXPECT_EQ(fmt(messy), expected);
  EXPECT_EQ(fmt(expected), expected);
  expect_contract("numbers", messy);
}

TEST(Format, NumberListWrapsWithComments) {
  const std::string in = "let p = [1, # one\n 2..3, \"a\",\n # more\n ]";
  const std::string out = "let p = [\n  1,  # one\n  2..3,\n  \"a\",\n"
                          "  # more\n]\n";
  EXPECT_EQ(fmt(in), out);
  EXPECT_EQ(fmt(out), out);
  expect_contract("number list", in);
}

TEST(Format, LongNumberListWraps) {
  const std::string range = "10000000000000000000..18446744073709551615";
  std::string in = "let p = [";
  for (int i = 0; i < 3; ++i)
    in += range + ", ";
  in += "]";
  EXPECT_EQ(fmt(in), "let p = [\n  " + range + ",\n  " + range + ",\n  " +
                         range + ",\n]\n");
  expect_contract("long number list", in);
}

// ---- comments

TEST(Format, CommentsKept) {
  const std::string in = R"(# file header

# about the policy
policy "p" mode enforce {   # the head
  # before the rule
  deny exec when path == "/a"   # trailing
  kill exec when path under "/b" # inside the rule
    or path under "/c"
  # before the closing brace
}  # after it
# at the end of the file
)";
  const std::string out = R"(# file header

# about the policy
policy "p" mode enforce {  # the head
  # before the rule
  deny exec when path == "/a"  # trailing
  # inside the rule
  kill exec when path under "/b" or path under "/c"
  # before the closing brace
}  # after it

# at the end of the file
)";
  EXPECT_EQ(fmt(in), out);
  EXPECT_EQ(fmt(out), out);
}

TEST(Format, CommentsMoveWithTheirLet) {
  // Lets go first; the comments before a let go with it.
  EXPECT_EQ(
      fmt("policy \"p\" mode audit {}\n\n# the shells\nlet sh = [\"/bin/sh\"]"
          "  # and only sh\n"),
      "# the shells\nlet sh = [\"/bin/sh\"]  # and only sh\n\n"
      "policy \"p\" mode audit {}\n");
}

TEST(Format, OneLinePolicyGetsLines) {
  EXPECT_EQ(
      fmt("policy \"t\" mode audit { deny exec when path == \"/w\" } # t"),
      "policy \"t\" mode audit {\n  deny exec when path == \"/w\"\n}  # t\n");
  EXPECT_EQ(fmt("policy \"e\" mode audit { # nothing yet\n}"),
            "policy \"e\" mode audit {  # nothing yet\n}\n");
  EXPECT_EQ(fmt("policy \"e\" mode audit {\n# nothing yet\n}"),
            "policy \"e\" mode audit {\n  # nothing yet\n}\n");
}

// ---- same_policy

TEST(Format, ListsAndSetsAfterUnderAndPatternsAsWritten) {
  EXPECT_EQ(condition("path under scratch"), "path under scratch");
  EXPECT_EQ(condition("path under [ \"/a\" ,\"/b\", ]"),
            "path under [\"/a\", \"/b\"]");
  EXPECT_EQ(condition("path startswith [\"/a\"]"), "path startswith [\"/a\"]");
  EXPECT_EQ(condition("path endswith \".pem\""), "path endswith \".pem\"");
  EXPECT_EQ(condition("not path matches []"), "not path matches []");
  expect_contract("lists after operators",
                  "let s = [\"/tmp\", 22] policy \"p\" mode audit {\n"
                  "deny exec when path under s or path under [\"/a\"]\n"
                  "deny open when not (path endswith [\".pem\", \".key\"] "
                  "and path matches s) and path startswith \"/x\" }");
}

TEST(SamePolicy, IgnoresLocationsCommentsAndGrouping) {
  EXPECT_TRUE(same_policy(
      parse_ok("let a = [\"x\"] policy \"p\" mode audit { deny exec when "
               "path == \"/a\" and (path == \"/b\" and path == \"/c\") }"),
      parse_ok("# c\nlet a = [\"x\"]\n\npolicy \"p\" mode audit {\n  deny "
               "exec when (path == \"/a\" and path == \"/b\") and path == "
               "\"/c\"\n}\n")));
}

TEST(SamePolicy, SeesEveryDifference) {
  const std::string base =
      "let a = [\"x\"] policy \"p\" mode audit { deny exec when path == \"/a\" "
      "\"m\" }";
  const PolicyFile f = parse_ok(base);
  const char *const others[] = {
      "let a = \"x\" policy \"p\" mode audit { deny exec when path == \"/a\" "
      "\"m\" }",
      "let b = [\"x\"] policy \"p\" mode audit { deny exec when path == \"/a\" "
      "\"m\" }",
      "let a = [\"y\"] policy \"p\" mode audit { deny exec when path == \"/a\" "
      "\"m\" }",
      "let a = [\"x\"] policy \"q\" mode audit { deny exec when path == \"/a\" "
      "\"m\" }",
      "let a = [\"x\"] policy \"p\" mode enforce { deny exec when path == "
      "\"/a\" \"m\" }",
      "let a = [\"x\"] policy \"p\" mode audit { kill exec when path == \"/a\" "
      "\"m\" }",
      "let a = [\"x\"] policy \"p\" mode audit { l: deny exec when path == "
      "\"/a\" \"m\" }",
      "let a = [\"x\"] policy \"p\" mode audit { deny open when path == \"/a\" "
      "\"m\" }",
      "let a = [\"x\"] policy \"p\" mode audit { deny exec when path != \"/a\" "
      "\"m\" }",
      "let a = [\"x\"] policy \"p\" mode audit { deny exec when binary == "
      "\"/a\" \"m\" }",
      "let a = [\"x\"] policy \"p\" mode audit { deny exec when path == \"/b\" "
      "\"m\" }",
      "let a = [\"x\"] policy \"p\" mode audit { deny exec when not path == "
      "\"/a\" \"m\" }",
      "let a = [\"x\"] policy \"p\" mode audit { deny exec when path in "
      "[\"/a\"] \"m\" }",
      "let a = [\"x\"] policy \"p\" mode audit { deny exec when path under "
      "[\"/a\"] \"m\" }",
      "let a = [\"x\"] policy \"p\" mode audit { deny exec when path under a "
      "\"m\" }",
      "let a = [\"x\"] policy \"p\" mode audit { deny exec when path == \"/a\" "
      "\"n\" }",
      "let a = [\"x\"] policy \"p\" mode audit { deny exec when path == \"/a\" "
      "}",
      "let a = [\"x\"] policy \"p\" mode audit { deny exec \"m\" }",
      "let a = [\"x\"] policy \"p\" mode audit { deny exec when path == \"/a\" "
      "\"m\" deny exec }",
      "let a = [\"x\"]",
  };
  for (const char *other : others)
    EXPECT_FALSE(same_policy(f, parse_ok(other))) << other;
  EXPECT_FALSE(same_policy(parse_ok("policy \"p\" mode audit { deny exec when "
                                    "path in s }"),
                           parse_ok("policy \"p\" mode audit { deny exec when "
                                    "path in t }")));
  // Numbers: a quoted number is a string; ranges and operators count.
  const auto cond = [](const std::string &c) {
    return parse_ok("let s = [1] policy \"p\" mode audit { deny exec when " +
                    c + " }");
  };
  const char *const numeric[] = {
      "port == 22",     "port == \"22\"", "port == 23", "port == 22..22",
      "port == 22..23", "port < 22",      "port <= 22", "port > 22",
      "port >= 22",     "port in [22]"};
  for (const char *a : numeric)
    for (const char *b : numeric)
      EXPECT_EQ(same_policy(cond(a), cond(b)), a == b) << a << " / " << b;
  // One string and a list of it say the same, but are written apart.
  EXPECT_FALSE(same_policy(
      parse_ok(
          "policy \"p\" mode audit { deny exec when path matches \"/a\" }"),
      parse_ok(
          "policy \"p\" mode audit { deny exec when path matches [\"/a\"] }")));
  EXPECT_FALSE(
      same_policy(parse_ok("let s = [1]"), parse_ok("let s = [\"1\"]")));
  EXPECT_FALSE(same_policy(parse_ok("let s = 1"), parse_ok("let s = [1]")));
  EXPECT_FALSE(
      same_policy(parse_ok("let s = [1..2]"), parse_ok("let s = [1, 2]")));
  EXPECT_FALSE(same_policy(parse_ok("policy \"p\" mode audit { deny exec when "
                                    "path == \"/a\" and path == \"/b\" }"),
                           parse_ok("policy \"p\" mode audit { deny exec when "
                                    "path == \"/a\" or path == \"/b\" }")));
}

// A hand-built AST (no source text, no locations) formats too.
TEST(Format, AstWithoutSource) {
  PolicyFile f;
  Let l;
  l.name = "s";
  l.values.push_back(StringLit{"/bin/sh", {}});
  f.lets.push_back(std::move(l));
  Policy p;
  p.name = "p";
  p.rules.emplace_back().event = "exec";
  f.policies.push_back(std::move(p));
  EXPECT_EQ(format_rules(f), "let s = [\"/bin/sh\"]\n\n"
                             "policy \"p\" mode enforce {\n  deny exec\n}\n");
}

TEST(Format, AstWithoutSourceNumbers) {
  PolicyFile f;
  Let l;
  l.name = "ports";
  l.values.push_back(StringLit{"22", {}, ValueKind::Number, 22, 22});
  l.values.push_back(StringLit{"1..9", {}, ValueKind::Range, 1, 9});
  l.values.push_back(StringLit{"22", {}});
  f.lets.push_back(std::move(l));
  Policy p;
  p.name = "p";
  Rule &r = p.rules.emplace_back();
  r.event = "bind";
  r.condition = std::make_unique<CompareExpr>();
  r.condition->cmp().field = "port";
  r.condition->cmp().op = CompareOp::Lt;
  r.condition->cmp().values.push_back(
      StringLit{"1024", {}, ValueKind::Number, 1024, 1024});
  f.policies.push_back(std::move(p));
  EXPECT_EQ(format_rules(f), "let ports = [22, 1..9, \"22\"]\n\n"
                             "policy \"p\" mode enforce {\n"
                             "  deny bind when port < 1024\n}\n");
}

// ---- the contract over real files

std::string read(const std::filesystem::path &p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void check_directory(const char *dir) {
  size_t checked = 0;
  for (const auto &entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".rules")
      continue;
    const std::string text = read(entry.path());
    Diagnostics diags;
    if (!parse_rules(entry.path().string(), text, diags))
      continue; // corpus files may be broken on purpose
    expect_contract(entry.path().string(), text);
    ++checked;
  }
  EXPECT_GT(checked, 0u) << "no .rules file in " << dir;
}

TEST(FormatContract, Examples) { check_directory(PALISADE_EXAMPLES_DIR); }
TEST(FormatContract, FuzzSeeds) { check_directory(PALISADE_FUZZ_CORPUS_DIR); }

TEST(FormatContract, ExamplesKeepEveryCommentLine) {
  // Stronger than the contract: each comment line of an example appears,
  // whole, in the output.
  for (const auto &entry :
       std::filesystem::directory_iterator(PALISADE_EXAMPLES_DIR)) {
    if (entry.path().extension() != ".rules")
      continue;
    const PolicyFile f = parse_ok(read(entry.path()));
    const std::string out = format_rules(f);
    for (const Comment &c : f.comments)
      EXPECT_NE(out.find(c.text + "\n"), std::string::npos)
          << entry.path() << ": " << c.text;
  }
}

} // namespace
} // namespace palisade::dsl
