// NNF, DNF and atom interning, on conditions built directly in the IR.
#include <gtest/gtest.h>

#include <palisade/abi.h>

#include "normalize/normalize.h"
#include "passes.h"
#include "test_helpers.h"

namespace palisade::engine {
namespace {

Cond atom(const std::string &value, bool negated = false,
          MatchKind kind = MatchKind::Exact) {
  Cond c;
  c.kind = Cond::Kind::Match;
  c.match.field = PAL_FIELD_PATH;
  c.match.kind = kind;
  c.match.values = {value};
  c.match.negated = negated;
  return c;
}

Cond node(Cond::Kind kind, std::vector<Cond> children) {
  Cond c;
  c.kind = kind;
  c.children = std::move(children);
  return c;
}
Cond all(std::vector<Cond> c) { return node(Cond::Kind::And, std::move(c)); }
Cond any(std::vector<Cond> c) { return node(Cond::Kind::Or, std::move(c)); }
Cond negate(Cond c) { return node(Cond::Kind::Not, {std::move(c)}); }

// Renders a DNF as "a & !b | c", atoms named by their first value.
std::string show(const std::vector<Term> &terms, const AtomTable &table) {
  if (terms.empty())
    return "false";
  std::string out;
  for (const auto &t : terms) {
    if (!out.empty())
      out += " | ";
    if (t.empty())
      out += "true";
    for (size_t i = 0; i < t.size(); ++i)
      out += (i ? " & " : "") + std::string(t[i].negated ? "!" : "") +
             table.atoms()[t[i].atom].values[0];
  }
  return out;
}

std::string dnf_of(const Cond &c, AtomTable &table) {
  Dnf d =
      to_dnf(to_nnf(c), [&](const Match &m) { return *table.intern(m, 100); });
  return d.overflow ? "overflow" : show(d.terms, table);
}

TEST(Nnf, DeMorganPushesNotToTheLeaves) {
  Cond c =
      to_nnf(negate(all({atom("a"), any({atom("b"), negate(atom("c"))})})));
  ASSERT_EQ(c.kind, Cond::Kind::Or);
  EXPECT_TRUE(c.children[0].match.negated);
  ASSERT_EQ(c.children[1].kind, Cond::Kind::And);
  EXPECT_TRUE(c.children[1].children[0].match.negated);
  EXPECT_FALSE(c.children[1].children[1].match.negated); // not not c
}

TEST(Nnf, FlipsConstantsAndNegatedAtoms) {
  Cond t;
  t.kind = Cond::Kind::True;
  EXPECT_EQ(to_nnf(negate(t)).kind, Cond::Kind::False);
  EXPECT_FALSE(to_nnf(negate(atom("a", true))).match.negated);
}

TEST(Dnf, DistributesAndOverOr) {
  AtomTable table;
  // Atom ids are interned in source order: a=0, b=1, c=2, d=3.
  for (auto v : {"a", "b", "c", "d"})
    table.intern(atom(v).match, 100);
  EXPECT_EQ(
      dnf_of(all({any({atom("a"), atom("b")}), any({atom("c"), atom("d")})}),
             table),
      "a & c | a & d | b & c | b & d");
}

TEST(Dnf, NotOfAndBecomesAlternatives) {
  AtomTable table;
  table.intern(atom("a").match, 100);
  table.intern(atom("b").match, 100);
  EXPECT_EQ(dnf_of(negate(all({atom("a"), atom("b")})), table), "!a | !b");
}

TEST(Dnf, DropsContradictionsAndAbsorbedTerms) {
  AtomTable table;
  table.intern(atom("a").match, 100);
  table.intern(atom("b").match, 100);
  EXPECT_EQ(dnf_of(all({atom("a"), negate(atom("a"))}), table), "false");
  // (a or b) and (a or not b) == a or (b and not b) ... == a
  EXPECT_EQ(dnf_of(all({any({atom("a"), atom("b")}),
                        any({atom("a"), atom("b", true)})}),
                   table),
            "a");
  EXPECT_EQ(dnf_of(any({atom("a"), all({atom("a"), atom("b")})}), table), "a");
  EXPECT_EQ(dnf_of(any({atom("b"), atom("a"), atom("b")}), table), "b | a");
}

TEST(Dnf, ConjunctionsBecomeOneSortedTerm) {
  AtomTable table;
  for (auto v : {"a", "b", "c", "d"})
    table.intern(atom(v).match, 100);
  // b and not (c or d) and (a and b): nested, negated and repeated.
  EXPECT_EQ(dnf_of(all({atom("b"), negate(any({atom("c"), atom("d")})),
                        all({atom("a"), atom("b")})}),
                   table),
            "a & b & !c & !d");
  EXPECT_EQ(
      dnf_of(all({atom("b"), all({atom("a"), negate(atom("b"))})}), table),
      "false");
  // Atom ids follow the comparisons' order, however deep they sit.
  AtomTable fresh;
  Dnf d = to_dnf(all({negate(any({atom("y"), atom("x")})), atom("z")}),
                 [&](const Match &m) { return *fresh.intern(m, 100); });
  EXPECT_EQ(show(d.terms, fresh), "!y & !x & z");
}

TEST(Dnf, ConstantsFold) {
  AtomTable table;
  table.intern(atom("a").match, 100);
  Cond t, f;
  t.kind = Cond::Kind::True;
  f.kind = Cond::Kind::False;
  EXPECT_EQ(dnf_of(t, table), "true");
  EXPECT_EQ(dnf_of(f, table), "false");
  EXPECT_EQ(dnf_of(all({atom("a"), t}), table), "a");
  EXPECT_EQ(dnf_of(any({atom("a"), t}), table), "true");
  EXPECT_EQ(dnf_of(all({atom("a"), f}), table), "false");
}

TEST(Dnf, StopsExpandingPastTheCap) {
  // (a0|b0) & (a1|b1) & ... 13 times = 8192 alternatives.
  AtomTable table;
  std::vector<Cond> clauses;
  for (int i = 0; i < 13; ++i)
    clauses.push_back(
        any({atom("a" + std::to_string(i)), atom("b" + std::to_string(i))}));
  EXPECT_EQ(dnf_of(all(clauses), table), "overflow");
}

TEST(AtomTable, IdenticalAtomsShareAnId) {
  AtomTable table;
  Match m = atom("/a").match;
  Match same = m;
  same.negated = true; // polarity is the literal's, not the atom's
  Match under = m;
  under.kind = MatchKind::Under;
  Match binary = m;
  binary.field = PAL_FIELD_BINARY;
  EXPECT_EQ(table.intern(m, 10), 0u);
  EXPECT_EQ(table.intern(same, 10), 0u);
  EXPECT_EQ(table.intern(under, 10), 1u);
  EXPECT_EQ(table.intern(binary, 10), 2u);
  EXPECT_EQ(table.intern(atom("/b").match, 3), std::nullopt); // limit reached
  EXPECT_EQ(table.intern(m, 3), 0u); // known ones still fine
}

// ---- the pass -----------------------------------------------------------

Resolved one_rule(Cond condition) {
  Resolved r;
  r.policies.push_back({PolicyInfo{"p", dsl::Mode::Enforce, 0, {}}, {}});
  ResolvedRule rule;
  rule.condition = std::move(condition);
  rule.cond_loc.line = 7;
  r.rules.push_back(std::move(rule));
  return r;
}

TEST(Normalize, TooManyAlternativesIsAnErrorAtTheCondition) {
  std::vector<Cond> alts;
  for (int i = 0; i < 9; ++i)
    alts.push_back(atom("/x" + std::to_string(i), false, MatchKind::Under));
  dsl::Diagnostics diags;
  EXPECT_FALSE(normalize(one_rule(any(alts)), diags));
  ASSERT_EQ(diags.error_count(), 1u);
  EXPECT_EQ(diags.all()[0].message,
            "condition expands to 9 alternatives; the limit is 8");
  EXPECT_EQ(diags.all()[0].loc.line, 7u);

  alts.pop_back();
  dsl::Diagnostics ok;
  auto p = normalize(one_rule(any(alts)), ok);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->rules[0].terms.size(), 8u);
}

TEST(Normalize, AtomLimitIsAnErrorAtTheComparison) {
  std::vector<Cond> parts;
  for (int i = 0; i <= PAL_MAX_ATOMS; ++i) {
    parts.push_back(atom("/x" + std::to_string(i)));
    parts.back().match.loc.line = 100 + i;
  }
  dsl::Diagnostics diags;
  EXPECT_FALSE(normalize(one_rule(all(parts)), diags));
  ASSERT_EQ(diags.error_count(), 1u);
  EXPECT_EQ(diags.all()[0].loc.line, 100u + PAL_MAX_ATOMS);
  EXPECT_NE(diags.all()[0].message.find("the limit is 131072"),
            std::string::npos);
}

TEST(Normalize, TermLiteralLimitIsAnErrorAtTheCondition) {
  // Nine `!=` of one field in one alternative: one more than a pal_term
  // holds; the hint says how to write it as one list.
  std::vector<Cond> parts;
  for (int i = 0; i < 9; ++i)
    parts.push_back(atom("/x" + std::to_string(i), true));
  Resolved r = one_rule(all(parts));
  r.rules[0].cond_loc.line = 77;
  dsl::Diagnostics diags;
  EXPECT_FALSE(normalize(r, diags));
  ASSERT_EQ(diags.error_count(), 1u);
  EXPECT_EQ(diags.all()[0].message,
            "an alternative of this condition needs 9 comparisons to be "
            "false; the limit is 8");
  EXPECT_EQ(diags.all()[0].loc.line, 77u);
  EXPECT_EQ(diags.all()[0].hints.at(0),
            "several != or 'not in' of one field can be one 'not in' list");

  parts.pop_back();
  dsl::Diagnostics ok;
  EXPECT_TRUE(normalize(one_rule(all(parts)), ok)) << ok.render();
}

TEST(Normalize, AtomsAreSharedAcrossRules) {
  Resolved r = one_rule(atom("/a"));
  ResolvedRule second;
  second.rule_id = 1;
  second.condition = all({atom("/b"), atom("/a", true)});
  r.rules.push_back(std::move(second));
  dsl::Diagnostics diags;
  auto p = normalize(r, diags);
  ASSERT_TRUE(p);
  ASSERT_EQ(p->atoms.size(), 2u);
  EXPECT_EQ(p->rules[1].terms,
            (std::vector<Term>{{Literal{0, true}, Literal{1, false}}}));
}

} // namespace
} // namespace palisade::engine
