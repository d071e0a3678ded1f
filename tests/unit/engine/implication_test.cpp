// Implication and exclusion between atoms, literals and terms
// (engine/src/warnings/implication.h), the reasoning behind the rule warnings.
#include <gtest/gtest.h>

#include <algorithm>

#include <palisade/abi.h>

#include "warnings/implication.h"

namespace palisade::engine {
namespace {

Atom exact(std::vector<std::string> values, uint8_t field = PAL_FIELD_PATH) {
  return Atom{field, MatchKind::Exact, std::move(values), {}};
}
Atom under(std::string dir, uint8_t field = PAL_FIELD_PATH) {
  return Atom{field, MatchKind::Under, {std::move(dir)}, {}};
}

Literal pos(AtomId a) { return Literal{a, false}; }
Literal neg(AtomId a) { return Literal{a, true}; }

TEST(StrictlyUnder, IsTheSubtreeBelowTheDirectory) {
  EXPECT_TRUE(strictly_under("/tmp/x", "/tmp"));
  EXPECT_TRUE(strictly_under("/tmp/a/b", "/tmp"));
  EXPECT_FALSE(strictly_under("/tmp", "/tmp"));
  EXPECT_FALSE(strictly_under("/tmpfoo", "/tmp"));
  EXPECT_FALSE(strictly_under("/tm", "/tmp"));
  EXPECT_TRUE(strictly_under("/x", "/"));
  EXPECT_FALSE(strictly_under("/", "/"));
}

TEST(HoldsFor, ExactIsMembershipUnderIsTheSubtree) {
  EXPECT_TRUE(holds_for(exact({"/a", "/b"}), "/b"));
  EXPECT_FALSE(holds_for(exact({"/a", "/b"}), "/c"));
  EXPECT_TRUE(holds_for(under("/usr"), "/usr/bin/nc"));
  EXPECT_FALSE(holds_for(under("/usr"), "/usr"));
}

TEST(Covers, ExactValuesInsideTheWiderAtom) {
  EXPECT_TRUE(covers(exact({"/a", "/b"}), exact({"/a"})));
  EXPECT_FALSE(covers(exact({"/a"}), exact({"/a", "/b"})));
  EXPECT_TRUE(covers(under("/tmp"), exact({"/tmp/x", "/tmp/y/z"})));
  EXPECT_FALSE(covers(under("/tmp"), exact({"/tmp"})));
  EXPECT_FALSE(covers(exact({"/a"}), exact({"/a"}, PAL_FIELD_BINARY)));
}

TEST(Covers, SubtreesOnlyByAnEqualOrHigherSubtree) {
  EXPECT_TRUE(covers(under("/tmp"), under("/tmp")));
  EXPECT_TRUE(covers(under("/tmp"), under("/tmp/build")));
  EXPECT_TRUE(covers(under("/"), under("/tmp")));
  EXPECT_FALSE(covers(under("/tmp/build"), under("/tmp")));
  EXPECT_FALSE(covers(under("/tmp"), under("/tmpfoo")));
  EXPECT_FALSE(covers(exact({"/tmp/x"}), under("/tmp"))); // infinite vs finite
}

TEST(CoversValue, OneValueOfAListOrOneDirectory) {
  // An exact path: equal to a value, or strictly below a directory.
  EXPECT_TRUE(covers_value(exact({"/a", "/b"}), MatchKind::Exact, "/b"));
  EXPECT_TRUE(covers_value(under("/srv"), MatchKind::Exact, "/srv/x"));
  EXPECT_FALSE(covers_value(under("/srv"), MatchKind::Exact, "/srv"));
  // A directory: only by one at or above it.
  EXPECT_TRUE(covers_value(under("/srv"), MatchKind::Under, "/srv/x"));
  EXPECT_TRUE(covers_value(under("/srv"), MatchKind::Under, "/srv"));
  EXPECT_FALSE(covers_value(exact({"/srv/x"}), MatchKind::Under, "/srv"));
  EXPECT_FALSE(covers_value(under("/srv/x"), MatchKind::Under, "/srv"));
}

TEST(Unimplied, CountsTheLiteralsLeftToTwo) {
  std::vector<Atom> atoms = {exact({"/a"}), exact({"/b"}),
                             exact({"/x"}, PAL_FIELD_BINARY), under("/srv")};
  Literal missing;
  // `path == "/a" and binary == "/x"` implies all of `binary == "/x"`.
  EXPECT_EQ(
      unimplied(atoms, Term{{0, false}, {2, false}}, Term{{2, false}}, missing),
      0);
  // ... all but `path == "/b"` of `path == "/b" and binary == "/x"`.
  EXPECT_EQ(unimplied(atoms, Term{{0, false}, {2, false}},
                      Term{{1, false}, {2, false}}, missing),
            1);
  EXPECT_EQ(missing, (Literal{1, false}));
  EXPECT_EQ(unimplied(atoms, Term{{0, false}},
                      Term{{1, false}, {2, false}, {3, false}}, missing),
            2);
}

TEST(Disjoint, NoPathSatisfiesBoth) {
  EXPECT_TRUE(disjoint(exact({"/a"}), exact({"/b"})));
  EXPECT_FALSE(disjoint(exact({"/a", "/b"}), exact({"/b", "/c"})));
  EXPECT_TRUE(disjoint(exact({"/tmp"}), under("/tmp")));
  EXPECT_FALSE(disjoint(under("/tmp"), exact({"/tmp/x"})));
  EXPECT_TRUE(disjoint(under("/tmp"), under("/usr")));
  EXPECT_TRUE(disjoint(under("/tmp"), under("/tmpfoo")));
  EXPECT_FALSE(disjoint(under("/tmp"), under("/tmp/a")));
  EXPECT_FALSE(disjoint(under("/"), under("/usr")));
  // Different fields are independent.
  EXPECT_FALSE(disjoint(exact({"/a"}), exact({"/b"}, PAL_FIELD_BINARY)));
}

TEST(Implies, EveryPolarity) {
  std::vector<Atom> atoms = {exact({"/tmp/x"}), under("/tmp"), exact({"/a"}),
                             exact({"/a", "/b"})};
  EXPECT_TRUE(implies(atoms, pos(0), pos(1))); // /tmp/x => under /tmp
  EXPECT_FALSE(implies(atoms, pos(1), pos(0)));
  EXPECT_TRUE(implies(atoms, neg(1), neg(0))); // contrapositive
  EXPECT_FALSE(implies(atoms, neg(0), neg(1)));
  EXPECT_TRUE(implies(atoms, pos(2), neg(0))); // /a => != /tmp/x
  EXPECT_FALSE(implies(atoms, pos(2), neg(3)));
  EXPECT_TRUE(implies(atoms, neg(3), neg(2))); // not in [a, b] => != a
  // `not x` also holds when the field has no known path, where no positive
  // atom does: never claimed.
  EXPECT_FALSE(implies(atoms, neg(2), pos(1)));
  EXPECT_TRUE(implies(atoms, pos(2), pos(2)));
}

TEST(TermImplies, EachWideLiteralNeedsANarrowOne) {
  std::vector<Atom> atoms = {exact({"/usr/bin/nc"}), under("/usr/sbin", 2),
                             exact({"/usr/sbin/sshd"}, 2), under("/usr")};
  Term nc_by_sshd = {pos(0), pos(2)};
  EXPECT_TRUE(term_implies(atoms, nc_by_sshd, {pos(1)}));
  EXPECT_TRUE(term_implies(atoms, nc_by_sshd, {pos(1), pos(3)}));
  EXPECT_TRUE(term_implies(atoms, nc_by_sshd, {})); // true is implied
  EXPECT_FALSE(term_implies(atoms, {pos(0)}, {pos(0), pos(1)}));
  EXPECT_FALSE(term_implies(atoms, {}, {pos(0)}));
}

TEST(Contradiction, PairsThatExcludeEachOther) {
  std::vector<Atom> atoms = {
      exact({"/a"}), exact({"/b"}), exact({"/tmp/x"}),
      under("/tmp"), under("/usr"), exact({"/b"}, PAL_FIELD_BINARY)};
  auto c = contradiction(atoms, {pos(0), pos(1)});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->first, pos(0));
  EXPECT_EQ(c->second, pos(1));
  EXPECT_TRUE(contradiction(atoms, {pos(2), neg(3)}));
  EXPECT_TRUE(contradiction(atoms, {pos(3), pos(4)}));
  EXPECT_FALSE(contradiction(atoms, {pos(0), neg(1)}));
  EXPECT_FALSE(contradiction(atoms, {pos(3), neg(2)}));
  EXPECT_FALSE(contradiction(atoms, {neg(0), neg(1)})); // e.g. path "/c"
  EXPECT_FALSE(contradiction(atoms, {pos(0), pos(5)})); // another field
  EXPECT_FALSE(contradiction(atoms, {}));
}

TEST(Contradiction, NoValueOfAListFitsTheRest) {
  std::vector<Atom> atoms = {exact({"/bin/bash", "/bin/sh"}),
                             exact({"/bin/sh"}), exact({"/bin/bash"}),
                             under("/bin")};
  auto c = contradiction(atoms, {pos(0), neg(1), neg(2)});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->first, pos(0));
  EXPECT_FALSE(c->second);
  EXPECT_FALSE(contradiction(atoms, {pos(0), neg(1), pos(3)}));
}

// Soundness against the meaning: every implication or contradiction
// claimed holds for each value a field can take, "no known path" included.
TEST(Implication, ClaimsHoldForEveryValue) {
  std::vector<Atom> atoms;
  for (const char *p : {"/", "/a", "/a/b", "/ab", "/b"}) {
    atoms.push_back(under(p));
    atoms.push_back(exact({p}));
  }
  atoms.push_back(exact({"/a/b", "/b"}));
  atoms.push_back(exact({"/a"}, PAL_FIELD_BINARY));
  const std::vector<std::optional<std::string>> values = {
      std::nullopt, "/", "/a", "/a/b", "/a/b/c", "/ab", "/ab/c", "/b", "/c"};
  // Holds for (path, binary): an unknown field satisfies no atom.
  auto holds = [&](Literal l, const std::optional<std::string> &path,
                   const std::optional<std::string> &binary) {
    const Atom &a = atoms[l.atom];
    const auto &v = a.field == PAL_FIELD_PATH ? path : binary;
    return (v && holds_for(a, *v)) != l.negated;
  };
  std::vector<Literal> literals;
  for (AtomId a = 0; a < atoms.size(); ++a)
    literals.insert(literals.end(), {pos(a), neg(a)});
  int claims = 0;
  for (Literal x : literals) {
    for (Literal y : literals) {
      bool imp = implies(atoms, x, y);
      bool contra =
          contradiction(atoms, {std::min(x, y), std::max(x, y)}).has_value();
      claims += imp + contra;
      for (const auto &p : values)
        for (const auto &b : values) {
          if (imp && holds(x, p, b))
            EXPECT_TRUE(holds(y, p, b));
          if (contra)
            EXPECT_FALSE(holds(x, p, b) && holds(y, p, b));
        }
    }
  }
  EXPECT_GT(claims, 100);
}

// ---- access: an open has any number of intents ---------------------------

Atom intents(std::vector<std::string> names) {
  return Atom{PAL_FIELD_ACCESS, MatchKind::Exact, std::move(names), {}};
}

TEST(Access, SubsetsImplyButNothingIsDisjoint) {
  std::vector<Atom> atoms = {intents({"read"}), intents({"write"}),
                             intents({"read", "write"})};
  EXPECT_FALSE(disjoint(atoms[0], atoms[1]));  // an open can do both
  EXPECT_TRUE(implies(atoms, pos(0), pos(2))); // read => read or write
  EXPECT_FALSE(implies(atoms, pos(2), pos(0)));
  EXPECT_TRUE(implies(atoms, neg(2), neg(1)));  // neither => not write
  EXPECT_FALSE(implies(atoms, pos(0), neg(1))); // unlike two paths
  EXPECT_FALSE(contradiction(atoms, {pos(0), pos(1)}));
  EXPECT_TRUE(contradiction(atoms, {pos(0), neg(2)}));
}

TEST(Access, NeededIntentsAllForbiddenIsAContradiction) {
  std::vector<Atom> atoms = {intents({"read", "write"}), intents({"read"}),
                             intents({"write"}), intents({"create"})};
  auto c = contradiction(atoms, {pos(0), neg(1), neg(2)});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->first, pos(0));
  EXPECT_FALSE(c->second);
  EXPECT_FALSE(contradiction(atoms, {pos(0), neg(1), neg(3)}));
  // Not the exact-path reasoning: "read" is not the only value the field
  // can take when access == "read".
  EXPECT_FALSE(contradiction(atoms, {pos(1), pos(2), neg(3)}));
}

// Soundness over every mask an open can have, terms of up to three
// literals: every implication and contradiction claimed is true.
TEST(Access, ClaimsHoldForEveryMask) {
  const std::vector<std::string> names = {"create", "read", "truncate",
                                          "write"};
  const uint32_t bit[] = {PAL_ACCESS_CREATE, PAL_ACCESS_READ,
                          PAL_ACCESS_TRUNCATE, PAL_ACCESS_WRITE};
  std::vector<Atom> atoms;
  std::vector<uint32_t> masks;
  for (uint32_t set = 1; set < 16; ++set) {
    std::vector<std::string> v;
    uint32_t m = 0;
    for (int i = 0; i < 4; ++i)
      if (set & (1u << i)) {
        v.push_back(names[i]);
        m |= bit[i];
      }
    atoms.push_back(intents(v));
    masks.push_back(m);
  }
  auto holds = [&](Literal l, uint32_t access) {
    return ((access & masks[l.atom]) != 0) != l.negated;
  };
  std::vector<Literal> literals;
  for (AtomId a = 0; a < atoms.size(); ++a)
    literals.insert(literals.end(), {pos(a), neg(a)});
  int claims = 0;
  for (Literal x : literals)
    for (Literal y : literals) {
      bool imp = implies(atoms, x, y);
      claims += imp;
      for (uint32_t access = 0; access < 16; ++access)
        if (imp && holds(x, access))
          EXPECT_TRUE(holds(y, access));
      for (Literal z : literals) {
        Term t = {x, y, z};
        std::sort(t.begin(), t.end());
        if (!contradiction(atoms, t))
          continue;
        claims++;
        for (uint32_t access = 0; access < 16; ++access)
          EXPECT_FALSE(holds(x, access) && holds(y, access) && holds(z, access))
              << "access " << access;
      }
    }
  EXPECT_GT(claims, 1000);
}

} // namespace
} // namespace palisade::engine
