// Inputs the parser accepts: the AST's shape and its source locations.
#include <gtest/gtest.h>

#include "test_util.h"

namespace palisade::dsl {
namespace {

using test::parse_ok;
using test::span;
using test::text_at;

const char *const kExample = R"(# comment
let shells = ["/bin/sh", "/bin/bash"]      # a named set
let tmp = "/tmp"
policy "baseline" mode enforce {
  deny  exec when path in ["/usr/bin/nc", "/usr/bin/ncat"] "no raw network tools"
  kill  exec when path under "/tmp" or path under "/dev/shm"
  deny  exec when path in shells and not binary == "/usr/sbin/sshd"
  allow exec when path == "/usr/bin/nc" and binary under "/usr/sbin"
  audit exec                                  # no `when`: matches every exec
  deny  exec when (path == "/a" or path == "/b") and binary != "/c"
  deny  exec when path not in shells
}
policy "trial" mode audit { deny exec when path == "/usr/bin/wget" }
)";

const Expr &child(const Expr &e, size_t i) { return *e.children().at(i); }

std::vector<std::string> values(const Comparison &c) {
  std::vector<std::string> out;
  for (const StringLit &s : c.values)
    out.push_back(s.value);
  return out;
}

TEST(ParseAccept, ExampleLets) {
  PolicyFile f = parse_ok(kExample);
  ASSERT_EQ(f.lets.size(), 2u);
  EXPECT_EQ(f.lets[0].name, "shells");
  EXPECT_EQ(span(f.lets[0].name_loc), "2:5-2:11");
  EXPECT_EQ(span(f.lets[0].loc), "2:1-2:38");
  ASSERT_EQ(f.lets[0].values.size(), 2u);
  EXPECT_EQ(f.lets[0].values[1].value, "/bin/bash");
  EXPECT_EQ(text_at(f.lets[0].values[1].loc), "\"/bin/bash\"");
  // A single value is a set of one.
  EXPECT_EQ(f.lets[1].name, "tmp");
  ASSERT_EQ(f.lets[1].values.size(), 1u);
  EXPECT_EQ(f.lets[1].values[0].value, "/tmp");
  EXPECT_EQ(text_at(f.lets[1].loc), "let tmp = \"/tmp\"");
  ASSERT_TRUE(f.source);
  EXPECT_EQ(f.source->name, "test.rules");
}

TEST(ParseAccept, ExamplePolicies) {
  PolicyFile f = parse_ok(kExample);
  ASSERT_EQ(f.policies.size(), 2u);
  const Policy &p = f.policies[0];
  EXPECT_EQ(p.name, "baseline");
  EXPECT_EQ(text_at(p.name_loc), "\"baseline\"");
  EXPECT_EQ(p.mode, Mode::Enforce);
  EXPECT_EQ(text_at(p.mode_loc), "enforce");
  EXPECT_EQ(span(p.loc), "4:1-12:2");
  ASSERT_EQ(p.rules.size(), 7u);

  const Policy &trial = f.policies[1];
  EXPECT_EQ(trial.name, "trial");
  EXPECT_EQ(trial.mode, Mode::Audit);
  EXPECT_EQ(text_at(trial.mode_loc), "audit");
  EXPECT_EQ(span(trial.loc), "13:1-13:69");
  ASSERT_EQ(trial.rules.size(), 1u);
  EXPECT_EQ(text_at(trial.rules[0].loc),
            "deny exec when path == \"/usr/bin/wget\"");
}

TEST(ParseAccept, RuleWithListAndMessage) {
  PolicyFile f = parse_ok(kExample);
  const Rule &r = f.policies[0].rules[0];
  EXPECT_EQ(r.action, Action::Deny);
  EXPECT_EQ(span(r.action_loc), "5:3-5:7");
  EXPECT_EQ(r.event, "exec");
  EXPECT_EQ(span(r.event_loc), "5:9-5:13");
  ASSERT_TRUE(r.message);
  EXPECT_EQ(r.message->value, "no raw network tools");
  EXPECT_EQ(span(r.message->loc), "5:60-5:82");
  EXPECT_EQ(span(r.loc), "5:3-5:82"); // action keyword to end of the message

  ASSERT_TRUE(r.condition);
  const Expr &e = *r.condition;
  EXPECT_EQ(e.kind, Expr::Kind::Compare);
  EXPECT_EQ(e.cmp().field, "path");
  EXPECT_EQ(span(e.cmp().field_loc), "5:19-5:23");
  EXPECT_EQ(e.cmp().op, CompareOp::In);
  EXPECT_EQ(text_at(e.cmp().op_loc), "in");
  EXPECT_FALSE(e.cmp().set_name);
  EXPECT_EQ(values(e.cmp()),
            (std::vector<std::string>{"/usr/bin/nc", "/usr/bin/ncat"}));
  EXPECT_EQ(text_at(e.loc), "path in [\"/usr/bin/nc\", \"/usr/bin/ncat\"]");
}

TEST(ParseAccept, Labels) {
  PolicyFile f = parse_ok("policy \"p\" mode enforce {\n"
                          "  no-nc: deny exec \"m\"\n"
                          "  deny-x: audit exec\n" // a keyword starts it
                          "  kill exec\n}\n");
  const auto &rules = f.policies.at(0).rules;
  ASSERT_EQ(rules.size(), 3u);
  ASSERT_TRUE(rules[0].label);
  EXPECT_EQ(rules[0].label->name, "no-nc");
  EXPECT_EQ(span(rules[0].label->loc), "2:3-2:8");
  EXPECT_EQ(span(rules[0].loc), "2:3-2:23"); // from the label
  EXPECT_EQ(rules[0].action, Action::Deny);
  ASSERT_TRUE(rules[1].label);
  EXPECT_EQ(rules[1].label->name, "deny-x");
  EXPECT_EQ(rules[1].action, Action::Audit);
  EXPECT_FALSE(rules[2].label);
}

TEST(ParseAccept, OrOfUnder) {
  PolicyFile f = parse_ok(kExample);
  const Rule &r = f.policies[0].rules[1];
  EXPECT_EQ(r.action, Action::Kill);
  EXPECT_FALSE(r.message);
  EXPECT_EQ(text_at(r.loc),
            "kill  exec when path under \"/tmp\" or path under \"/dev/shm\"");
  const Expr &e = *r.condition;
  ASSERT_EQ(e.kind, Expr::Kind::Or);
  ASSERT_EQ(e.children().size(), 2u);
  EXPECT_EQ(text_at(e.loc), "path under \"/tmp\" or path under \"/dev/shm\"");
  EXPECT_EQ(child(e, 0).cmp().op, CompareOp::Under);
  EXPECT_EQ(text_at(child(e, 0).cmp().op_loc), "under");
  EXPECT_EQ(values(child(e, 1).cmp()), std::vector<std::string>{"/dev/shm"});
  EXPECT_EQ(text_at(child(e, 1).cmp().values[0].loc), "\"/dev/shm\"");
}

TEST(ParseAccept, SetNameAndNot) {
  PolicyFile f = parse_ok(kExample);
  const Expr &e = *f.policies[0].rules[2].condition;
  ASSERT_EQ(e.kind, Expr::Kind::And);
  ASSERT_EQ(e.children().size(), 2u);
  const Expr &in_set = child(e, 0);
  EXPECT_EQ(in_set.cmp().op, CompareOp::In);
  ASSERT_TRUE(in_set.cmp().set_name);
  EXPECT_EQ(*in_set.cmp().set_name, "shells");
  EXPECT_EQ(span(in_set.cmp().set_loc), "7:27-7:33");
  EXPECT_TRUE(in_set.cmp().values.empty());

  const Expr &negated = child(e, 1);
  ASSERT_EQ(negated.kind, Expr::Kind::Not);
  ASSERT_EQ(negated.children().size(), 1u);
  EXPECT_EQ(text_at(negated.loc), "not binary == \"/usr/sbin/sshd\"");
  const Expr &eq = child(negated, 0);
  EXPECT_EQ(eq.cmp().field, "binary");
  EXPECT_EQ(eq.cmp().op, CompareOp::Eq);
  EXPECT_EQ(text_at(eq.cmp().op_loc), "==");
  EXPECT_EQ(text_at(eq.loc), "binary == \"/usr/sbin/sshd\"");
}

TEST(ParseAccept, AllowAndAuditWithoutCondition) {
  PolicyFile f = parse_ok(kExample);
  const Rule &allow = f.policies[0].rules[3];
  EXPECT_EQ(allow.action, Action::Allow);
  EXPECT_EQ(allow.condition->kind, Expr::Kind::And);

  const Rule &audit = f.policies[0].rules[4];
  EXPECT_EQ(audit.action, Action::Audit);
  EXPECT_EQ(audit.condition, nullptr);
  EXPECT_FALSE(audit.message);
  EXPECT_EQ(span(audit.loc), "9:3-9:13"); // not the trailing blanks or comment
}

TEST(ParseAccept, ParenthesesGroupAndSpanTheirText) {
  PolicyFile f = parse_ok(kExample);
  const Expr &e = *f.policies[0].rules[5].condition;
  ASSERT_EQ(e.kind, Expr::Kind::And);
  EXPECT_EQ(text_at(e.loc),
            "(path == \"/a\" or path == \"/b\") and binary != \"/c\"");
  const Expr &group = child(e, 0);
  ASSERT_EQ(group.kind, Expr::Kind::Or);
  EXPECT_EQ(text_at(group.loc), "(path == \"/a\" or path == \"/b\")");
  EXPECT_EQ(text_at(child(group, 0).loc), "path == \"/a\"");
  EXPECT_EQ(child(e, 1).cmp().op, CompareOp::Ne);
  EXPECT_EQ(text_at(child(e, 1).cmp().op_loc), "!=");
}

TEST(ParseAccept, NotIn) {
  PolicyFile f = parse_ok(kExample);
  const Expr &e = *f.policies[0].rules[6].condition;
  EXPECT_EQ(e.kind, Expr::Kind::Compare);
  EXPECT_EQ(e.cmp().op, CompareOp::NotIn);
  EXPECT_EQ(text_at(e.cmp().op_loc), "not in");
  EXPECT_EQ(*e.cmp().set_name, "shells");
  EXPECT_EQ(text_at(e.cmp().set_loc), "shells");
}

const Expr &condition_of(const PolicyFile &f) {
  return *f.policies.at(0).rules.at(0).condition;
}

PolicyFile parse_condition(const std::string &condition) {
  return parse_ok("policy \"p\" mode enforce { deny exec when " + condition +
                  " }");
}

TEST(ParseAccept, ChainsAreFlat) {
  PolicyFile f = parse_condition(
      R"(path == "a" and path == "b" and path == "c" and path == "d")");
  const Expr &e = condition_of(f);
  ASSERT_EQ(e.kind, Expr::Kind::And);
  ASSERT_EQ(e.children().size(), 4u);
  for (const ExprPtr &c : e.children())
    EXPECT_EQ(c->kind, Expr::Kind::Compare);

  PolicyFile g =
      parse_condition(R"(path == "a" or path == "b" or path == "c")");
  ASSERT_EQ(condition_of(g).kind, Expr::Kind::Or);
  EXPECT_EQ(condition_of(g).children().size(), 3u);
}

TEST(ParseAccept, PrecedenceOrAndNot) {
  // not binds tighter than and, and tighter than or:
  //   (not a) and b or c and (not d)
  PolicyFile f = parse_condition(R"(not path == "a" and path == "b" or)"
                                 R"( path == "c" and not path == "d")");
  const Expr &e = condition_of(f);
  ASSERT_EQ(e.kind, Expr::Kind::Or);
  ASSERT_EQ(e.children().size(), 2u);
  const Expr &left = child(e, 0);
  ASSERT_EQ(left.kind, Expr::Kind::And);
  EXPECT_EQ(child(left, 0).kind, Expr::Kind::Not);
  EXPECT_EQ(child(left, 1).kind, Expr::Kind::Compare);
  const Expr &right = child(e, 1);
  ASSERT_EQ(right.kind, Expr::Kind::And);
  EXPECT_EQ(child(right, 1).kind, Expr::Kind::Not);
}

TEST(ParseAccept, ParenthesesAreNotFlattened) {
  PolicyFile f =
      parse_condition(R"((path == "a" and path == "b") and path == "c")");
  const Expr &e = condition_of(f);
  ASSERT_EQ(e.kind, Expr::Kind::And);
  ASSERT_EQ(e.children().size(), 2u);
  EXPECT_EQ(child(e, 0).kind, Expr::Kind::And);
}

TEST(ParseAccept, DoubleNegationAndNestedGroups) {
  PolicyFile f = parse_condition(R"(not not ((path == "a")))");
  const Expr &e = condition_of(f);
  ASSERT_EQ(e.kind, Expr::Kind::Not);
  ASSERT_EQ(child(e, 0).kind, Expr::Kind::Not);
  const Expr &inner = child(child(e, 0), 0);
  EXPECT_EQ(inner.kind, Expr::Kind::Compare);
  EXPECT_EQ(text_at(inner.loc), "((path == \"a\"))");
  EXPECT_EQ(text_at(inner.cmp().field_loc), "path");
}

TEST(ParseAccept, KeywordPrefixesAreNames) {
  PolicyFile f = parse_condition(R"(notary == "a" and android in inner)");
  const Expr &e = condition_of(f);
  ASSERT_EQ(e.kind, Expr::Kind::And);
  EXPECT_EQ(child(e, 0).cmp().field, "notary");
  EXPECT_EQ(child(e, 1).cmp().field, "android");
  EXPECT_EQ(*child(e, 1).cmp().set_name, "inner");
}

TEST(ParseAccept, DottedField) {
  PolicyFile f = parse_condition(R"(parent.binary under "/usr/sbin")");
  const Expr &e = condition_of(f);
  EXPECT_EQ(e.cmp().field, "parent.binary");
  EXPECT_EQ(text_at(e.cmp().field_loc), "parent.binary");
}

TEST(ParseAccept, Escapes) {
  PolicyFile f = parse_ok(
      R"(let odd = ["a\"b", "back\\slash", "new\nline", "tab\there", "\x41\x7e\xFF", ""])");
  const std::vector<StringLit> &v = f.lets.at(0).values;
  ASSERT_EQ(v.size(), 6u);
  EXPECT_EQ(v[0].value, "a\"b");
  EXPECT_EQ(v[1].value, "back\\slash");
  EXPECT_EQ(v[2].value, "new\nline");
  EXPECT_EQ(v[3].value, "tab\there");
  EXPECT_EQ(v[4].value, "A~\xff");
  EXPECT_EQ(v[5].value, "");
  // Locations cover the literal as written, quotes and escapes included.
  EXPECT_EQ(text_at(v[0].loc), R"("a\"b")");
  EXPECT_EQ(text_at(v[4].loc), R"("\x41\x7e\xFF")");
}

TEST(ParseAccept, NonAsciiBytesPassThrough) {
  PolicyFile f = parse_ok("let s = \"/home/jos\xc3\xa9\"");
  EXPECT_EQ(f.lets.at(0).values.at(0).value, "/home/jos\xc3\xa9");
}

TEST(ParseAccept, CommentsAndNewlinesAnywhere) {
  PolicyFile f = parse_ok(R"(
# header
policy # name follows
  "p"
  mode # mode follows
  audit
{ # body
  deny # action
    exec # event
    when # condition
      path # field
      not # negated
      in # op
      [ # list
        "a", # first
        "b" # second
      ] # end
      "msg" # message
} # done
)");
  ASSERT_EQ(f.policies.size(), 1u);
  const Rule &r = f.policies[0].rules.at(0);
  EXPECT_EQ(r.condition->cmp().op, CompareOp::NotIn);
  EXPECT_EQ(values(r.condition->cmp()), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(span(r.condition->cmp().op_loc), "12:7-13:9");
  EXPECT_EQ(r.message->value, "msg");
  EXPECT_EQ(span(r.loc), "8:3-18:12");
}

TEST(ParseAccept, ManyPoliciesAndLetsInterleaved) {
  PolicyFile f = parse_ok(R"(
let a = "x"
policy "one" mode enforce {}
let b = []
policy "two" mode audit { audit exec kill exec }
policy "three" mode enforce { allow exec when path in a deny exec "m" }
)");
  ASSERT_EQ(f.lets.size(), 2u);
  EXPECT_TRUE(f.lets[1].values.empty());
  ASSERT_EQ(f.policies.size(), 3u);
  EXPECT_TRUE(f.policies[0].rules.empty());
  ASSERT_EQ(f.policies[1].rules.size(), 2u);
  EXPECT_EQ(f.policies[1].rules[1].action, Action::Kill);
  ASSERT_EQ(f.policies[2].rules.size(), 2u);
  EXPECT_EQ(f.policies[2].rules[1].message->value, "m");
  EXPECT_EQ(f.policies[2].rules[1].condition, nullptr);
}

TEST(ParseAccept, TrailingCommaAndEmptyList) {
  PolicyFile f = parse_condition(R"(path in ["a", "b",] or path in [])");
  const Expr &e = condition_of(f);
  EXPECT_EQ(values(child(e, 0).cmp()), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(child(e, 1).cmp().values.empty());
  EXPECT_FALSE(child(e, 1).cmp().set_name);
}

TEST(ParseAccept, EventNameIsKeptAsWritten) {
  PolicyFile f = parse_ok("policy \"p\" mode audit { deny connect }");
  EXPECT_EQ(f.policies[0].rules[0].event, "connect");
}

TEST(ParseAccept, EmptyInputs) {
  EXPECT_TRUE(parse_ok("").policies.empty());
  EXPECT_TRUE(parse_ok("  # nothing\n\n").lets.empty());
}

TEST(ParseAccept, CrlfLineEndings) {
  PolicyFile f = parse_ok("policy \"p\" mode audit {\r\n"
                          "  deny exec when path == \"a\" # c\r\n"
                          "}\r\n");
  const Rule &r = f.policies.at(0).rules.at(0);
  EXPECT_EQ(span(r.loc), "2:3-2:29");
  EXPECT_EQ(span(f.policies[0].loc), "1:1-3:2");
}

// ---- numbers, ranges and ordering comparisons

const char *const kNumbers = R"(let admin_ports = [22, 2222, 8000..8080]
let ssh = 22
let low = 0..1023
policy "net" mode enforce {
  deny connect when port == 22
  deny connect when port in [22, 23, 6000..6063]
  deny bind when port < 1024 and uid != 0
  audit open when uid >= 1000
  allow connect when address in ["10.0.0.0/8", "::1"] and port in admin_ports
  deny x when a <= 5 or b > 18446744073709551615 or c == 0..0 or d != 7..9
}
)";

const Expr &rule_condition(const PolicyFile &f, size_t rule) {
  return *f.policies.at(0).rules.at(rule).condition;
}

TEST(ParseAccept, NumberEquals) {
  PolicyFile f = parse_ok(kNumbers);
  const Comparison &c = rule_condition(f, 0).cmp();
  EXPECT_EQ(c.field, "port");
  EXPECT_EQ(c.op, CompareOp::Eq);
  ASSERT_EQ(c.values.size(), 1u);
  const StringLit &v = c.values[0];
  EXPECT_EQ(v.kind, ValueKind::Number);
  EXPECT_EQ(v.value, "22");
  EXPECT_EQ(v.lo, 22u);
  EXPECT_EQ(v.hi, 22u);
  EXPECT_EQ(span(v.loc), "5:29-5:31");
}

TEST(ParseAccept, NumbersAndRangesInAList) {
  PolicyFile f = parse_ok(kNumbers);
  const Comparison &c = rule_condition(f, 1).cmp();
  EXPECT_EQ(c.op, CompareOp::In);
  ASSERT_EQ(c.values.size(), 3u);
  EXPECT_EQ(c.values[0].kind, ValueKind::Number);
  EXPECT_EQ(c.values[1].lo, 23u);
  const StringLit &r = c.values[2];
  EXPECT_EQ(r.kind, ValueKind::Range);
  EXPECT_EQ(r.value, "6000..6063");
  EXPECT_EQ(r.lo, 6000u);
  EXPECT_EQ(r.hi, 6063u);
  EXPECT_EQ(text_at(r.loc), "6000..6063");
}

TEST(ParseAccept, OrderingOperators) {
  PolicyFile f = parse_ok(kNumbers);
  const Expr &bind = rule_condition(f, 2);
  ASSERT_EQ(bind.kind, Expr::Kind::And);
  const Comparison &lt = child(bind, 0).cmp();
  EXPECT_EQ(lt.op, CompareOp::Lt);
  EXPECT_EQ(text_at(lt.op_loc), "<");
  ASSERT_EQ(lt.values.size(), 1u);
  EXPECT_EQ(lt.values[0].kind, ValueKind::Number);
  EXPECT_EQ(lt.values[0].lo, 1024u);
  EXPECT_EQ(child(bind, 1).cmp().op, CompareOp::Ne);
  EXPECT_EQ(child(bind, 1).cmp().values[0].lo, 0u);

  const Comparison &ge = rule_condition(f, 3).cmp();
  EXPECT_EQ(ge.op, CompareOp::Ge);
  EXPECT_EQ(text_at(ge.op_loc), ">=");
  EXPECT_EQ(ge.values.at(0).value, "1000");

  const Expr &more = rule_condition(f, 5);
  ASSERT_EQ(more.kind, Expr::Kind::Or);
  EXPECT_EQ(child(more, 0).cmp().op, CompareOp::Le);
  EXPECT_EQ(text_at(child(more, 0).cmp().op_loc), "<=");
  EXPECT_EQ(child(more, 1).cmp().op, CompareOp::Gt);
  EXPECT_EQ(text_at(child(more, 1).loc), "b > 18446744073709551615");
  EXPECT_EQ(child(more, 1).cmp().values.at(0).lo, UINT64_MAX);
}

TEST(ParseAccept, RangesAfterEqualsAndNotEquals) {
  PolicyFile f = parse_ok(kNumbers);
  const Expr &e = rule_condition(f, 5);
  const StringLit &one = child(e, 2).cmp().values.at(0); // a range of one
  EXPECT_EQ(one.kind, ValueKind::Range);
  EXPECT_EQ(one.lo, 0u);
  EXPECT_EQ(one.hi, 0u);
  EXPECT_EQ(child(e, 3).cmp().op, CompareOp::Ne);
  EXPECT_EQ(child(e, 3).cmp().values.at(0).value, "7..9");
}

TEST(ParseAccept, StringsStayStringsNextToNumbers) {
  PolicyFile f = parse_ok(kNumbers);
  const Expr &e = rule_condition(f, 4);
  const Comparison &addr = child(e, 0).cmp();
  ASSERT_EQ(addr.values.size(), 2u);
  EXPECT_EQ(addr.values[0].kind, ValueKind::String);
  EXPECT_EQ(addr.values[0].value, "10.0.0.0/8");
  EXPECT_EQ(addr.values[0].lo, 0u);
  EXPECT_EQ(*child(e, 1).cmp().set_name, "admin_ports");
  // A number in quotes is a string.
  const PolicyFile quoted = parse_condition("port == \"22\"");
  const Comparison &q = condition_of(quoted).cmp();
  EXPECT_EQ(q.values.at(0).kind, ValueKind::String);
}

TEST(ParseAccept, NumberLets) {
  PolicyFile f = parse_ok(kNumbers);
  ASSERT_EQ(f.lets.size(), 3u);
  const Let &ports = f.lets[0];
  EXPECT_TRUE(ports.list);
  ASSERT_EQ(ports.values.size(), 3u);
  EXPECT_EQ(ports.values[2].kind, ValueKind::Range);
  EXPECT_EQ(ports.values[2].hi, 8080u);
  EXPECT_EQ(f.lets[1].list, false);
  EXPECT_EQ(f.lets[1].values.at(0).kind, ValueKind::Number);
  EXPECT_EQ(text_at(f.lets[1].loc), "let ssh = 22");
  EXPECT_FALSE(f.lets[2].list);
  EXPECT_EQ(f.lets[2].values.at(0).kind, ValueKind::Range);
  EXPECT_EQ(f.lets[2].values.at(0).hi, 1023u);
}

TEST(ParseAccept, MixedKindsInOneList) {
  // The parser takes any mix; the engine checks kinds against the field.
  PolicyFile f = parse_ok("let m = [\"a\", 1, 2..3, \"\",]");
  const std::vector<StringLit> &v = f.lets.at(0).values;
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[0].kind, ValueKind::String);
  EXPECT_EQ(v[1].kind, ValueKind::Number);
  EXPECT_EQ(v[2].kind, ValueKind::Range);
  EXPECT_EQ(v[3].kind, ValueKind::String);
}

TEST(ParseAccept, NumberEdges) {
  // 0, the largest number, 20 digits, and what may follow a number.
  PolicyFile f = parse_condition(
      "(a == 0) and b in [18446744073709551615,0..18446744073709551615] and "
      "c == 10000000000000000000# comment\n and d < 1 \"msg\"");
  const Expr &e = condition_of(f);
  ASSERT_EQ(e.kind, Expr::Kind::And);
  ASSERT_EQ(e.children().size(), 4u);
  EXPECT_EQ(child(e, 0).cmp().values.at(0).lo, 0u);
  const std::vector<StringLit> &b = child(e, 1).cmp().values;
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0].lo, UINT64_MAX);
  EXPECT_EQ(b[1].lo, 0u);
  EXPECT_EQ(b[1].hi, UINT64_MAX);
  EXPECT_EQ(child(e, 2).cmp().values.at(0).lo, 10000000000000000000u);
  EXPECT_EQ(f.policies[0].rules[0].message->value, "msg");
}

TEST(ParseAccept, OperatorsNeedNoSpaces) {
  PolicyFile f = parse_condition("a<1 and b<=2 and c>3 and d>=4 and e==5");
  const Expr &e = condition_of(f);
  ASSERT_EQ(e.children().size(), 5u);
  const CompareOp ops[] = {CompareOp::Lt, CompareOp::Le, CompareOp::Gt,
                           CompareOp::Ge, CompareOp::Eq};
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(child(e, i).cmp().op, ops[i]);
    EXPECT_EQ(child(e, i).cmp().values.at(0).lo, i + 1);
  }
}

TEST(ParseAccept, FileNameAndSourceAreShared) {
  Diagnostics diags;
  auto f =
      parse_rules("/etc/palisade/policies.d/x.rules", "let a = \"b\"", diags);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->lets[0].loc.file, f->source.get());
  EXPECT_EQ(f->lets[0].loc.file_name(), "/etc/palisade/policies.d/x.rules");
}

TEST(ParseAccept, PatternOperators) {
  PolicyFile f = parse_ok(R"(policy "p" mode enforce {
  deny open when path startswith "/tmp/." and not path endswith ".pem"
  deny exec when (binary matches "/home/*/bin/**")
})");
  const Expr &e = *f.policies[0].rules[0].condition;
  ASSERT_EQ(e.kind, Expr::Kind::And);
  EXPECT_EQ(child(e, 0).cmp().op, CompareOp::StartsWith);
  EXPECT_EQ(text_at(child(e, 0).cmp().op_loc), "startswith");
  EXPECT_EQ(values(child(e, 0).cmp()), std::vector<std::string>{"/tmp/."});
  const Expr &n = child(e, 1);
  ASSERT_EQ(n.kind, Expr::Kind::Not);
  EXPECT_EQ(n.children()[0]->cmp().op, CompareOp::EndsWith);
  const Expr &m = *f.policies[0].rules[1].condition;
  EXPECT_EQ(m.cmp().op, CompareOp::Matches);
  EXPECT_EQ(m.cmp().field, "binary");
  EXPECT_EQ(values(m.cmp()), std::vector<std::string>{"/home/*/bin/**"});
}

TEST(ParseAccept, ListsAndSetsAfterUnderAndPatterns) {
  PolicyFile f = parse_ok(R"(let scratch = ["/tmp", "/var/tmp"]
policy "p" mode enforce {
  kill exec when path under scratch or path under ["/a", "/b",]
  deny open when path startswith "/x" and path endswith [".pem"]
  deny open when not path matches scratch
})");
  const Expr &or_ = *f.policies[0].rules[0].condition;
  ASSERT_EQ(or_.kind, Expr::Kind::Or);
  const Comparison &by_name = child(or_, 0).cmp();
  EXPECT_EQ(by_name.op, CompareOp::Under);
  ASSERT_TRUE(by_name.set_name);
  EXPECT_EQ(*by_name.set_name, "scratch");
  EXPECT_EQ(text_at(by_name.set_loc), "scratch");
  EXPECT_TRUE(by_name.values.empty());
  EXPECT_FALSE(by_name.list);
  const Comparison &listed = child(or_, 1).cmp();
  EXPECT_FALSE(listed.set_name);
  EXPECT_TRUE(listed.list);
  EXPECT_EQ(values(listed), (std::vector<std::string>{"/a", "/b"}));
  EXPECT_EQ(text_at(child(or_, 1).loc), "path under [\"/a\", \"/b\",]");

  // One string is not a list; a list of one string is.
  const Expr &and_ = *f.policies[0].rules[1].condition;
  EXPECT_FALSE(child(and_, 0).cmp().list);
  EXPECT_TRUE(child(and_, 1).cmp().list);
  EXPECT_EQ(values(child(and_, 1).cmp()), std::vector<std::string>{".pem"});

  const Expr &n = *f.policies[0].rules[2].condition;
  ASSERT_EQ(n.kind, Expr::Kind::Not);
  EXPECT_EQ(n.children()[0]->cmp().op, CompareOp::Matches);
  EXPECT_EQ(*n.children()[0]->cmp().set_name, "scratch");
}

TEST(ParseAccept, PatternKeywordsAreWholeWords) {
  // `matchesx` is a name, so it is a field followed by no operator.
  PolicyFile f = parse_ok(R"(policy "p" mode enforce {
  deny exec when matchesx == "/a"
})");
  EXPECT_EQ(f.policies[0].rules[0].condition->cmp().field, "matchesx");
}

} // namespace
} // namespace palisade::dsl
