// TermIndex (engine/src/lower/term_index.h) finds the same term as comparing
// with every term in order would.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include <palisade/abi.h>

#include "lower/term_index.h"
#include "lower/value_keys.h"
#include "warnings/implication.h"

namespace palisade::engine {
namespace {

TEST(TermIndex, FindsTheFirstImpliedTermThroughAncestors) {
  std::vector<Atom> atoms = {
      Atom{PAL_FIELD_PATH, MatchKind::Under, {"/usr"}, {}},
      Atom{PAL_FIELD_PATH, MatchKind::Exact, {"/usr/bin/nc"}, {}},
      Atom{PAL_FIELD_PATH, MatchKind::Under, {"/usr/bin"}, {}},
      Atom{PAL_FIELD_BINARY, MatchKind::Exact, {"/bin/sh"}, {}},
  };
  Term usr = {{0, false}}, nc = {{1, false}}, bin = {{2, false}},
       not_sh = {{3, true}};
  TermIndex index(atoms);
  EXPECT_FALSE(index.find_implied(nc));
  index.add(bin, 10);
  index.add(usr, 11);
  EXPECT_EQ(index.find_implied(nc), 10u);  // /usr/bin/nc is below both
  EXPECT_EQ(index.find_implied(usr), 11u); // usr is at usr, not below bin
  EXPECT_FALSE(index.find_implied(not_sh));
  index.add(not_sh, 12); // unfiled: no positive literal
  EXPECT_EQ(index.find_implied(not_sh), 12u);
}

TEST(TermIndex, FindsValueTermsThroughKeyPrefixes) {
  auto atom = [](uint8_t field, std::vector<std::string> values) {
    Atom a{field, MatchKind::Exact, std::move(values), {}};
    a.keys = value_keys(field, a.values);
    return a;
  };
  std::vector<Atom> atoms = {
      atom(PAL_FIELD_PORT, {"1-100"}),           // 0
      atom(PAL_FIELD_PORT, {"50"}),              // 1
      atom(PAL_FIELD_PORT, {"101"}),             // 2
      atom(PAL_FIELD_ADDRESS, {"10.0.0.0/8"}),   // 3
      atom(PAL_FIELD_ADDRESS, {"10.1.2.3/32"}),  // 4
      atom(PAL_FIELD_PORT, {"0-99", "100-199"}), // 5
      atom(PAL_FIELD_PORT, {"64-127"}),          // 6
  };
  // The index keeps pointers to the terms it files: they must outlive it.
  const Term ports_1_100{{0, false}}, net_10{{3, false}},
      ports_0_199{{5, false}};
  TermIndex index(atoms);
  index.add(ports_1_100, 20);
  index.add(net_10, 21);
  EXPECT_EQ(index.find_implied(Term{{1, false}}), 20u); // 50 in 1..100
  EXPECT_FALSE(index.find_implied(Term{{2, false}}));   // 101 is not
  EXPECT_EQ(index.find_implied(Term{{4, false}}), 21u); // host in the /8
  // A term covered only by the union of several keys of the anchor:
  // find_implied() misses it (no key of the anchor is at or above 64..127)
  // and find_covering() finds it through the keys inside 64..127.
  index.add(ports_0_199, 22);
  EXPECT_FALSE(index.find_implied(Term{{6, false}}));
  EXPECT_EQ(index.find_covering(Term{{6, false}}), std::vector<uint32_t>{22});
  EXPECT_TRUE(term_implies(atoms, Term{{6, false}}, Term{{5, false}}));
}

Atom value_atom(uint8_t field, std::vector<std::string> values) {
  Atom a{field, MatchKind::Exact, std::move(values), {}, {}, {}};
  a.keys = value_keys(field, a.values);
  return a;
}

TEST(TermIndex, SeveralTermsCoverARangeTogether) {
  std::vector<Atom> atoms = {
      value_atom(PAL_FIELD_PORT, {"1-100"}),     // 0
      value_atom(PAL_FIELD_PORT, {"101-200"}),   // 1
      value_atom(PAL_FIELD_PORT, {"50-150"}),    // 2
      value_atom(PAL_FIELD_PORT, {"102-200"}),   // 3
      value_atom(PAL_FIELD_PROTOCOL, {"tcp"}),   // 4
      value_atom(PAL_FIELD_PORT, {"10", "150"}), // 5
      value_atom(PAL_FIELD_PORT, {"120-130"}),   // 6
  };
  const Term low{{0, false}}, high{{1, false}},
      high_tcp{{1, false}, {4, false}}, gap_high{{3, false}};
  {
    TermIndex index(atoms);
    index.add(low, 1);
    index.add(high, 2);
    EXPECT_EQ(index.find_covering(Term{{2, false}}),
              (std::vector<uint32_t>{1, 2}));
    // A list: each value in one of them.
    EXPECT_EQ(index.find_covering(Term{{5, false}}),
              (std::vector<uint32_t>{1, 2}));
    // Only the rule needed is named.
    EXPECT_EQ(index.find_covering(Term{{6, false}}), std::vector<uint32_t>{2});
    // A negated port is never covered this way.
    EXPECT_FALSE(index.find_covering(Term{{2, true}}));
    // An extra condition of the query changes nothing.
    EXPECT_EQ(index.find_covering(Term{{2, false}, {4, false}}),
              (std::vector<uint32_t>{1, 2}));
  }
  {
    // 101 left out.
    TermIndex index(atoms);
    index.add(low, 1);
    index.add(gap_high, 2);
    EXPECT_FALSE(index.find_covering(Term{{2, false}}));
  }
  {
    // An earlier term with a condition the query does not imply.
    TermIndex index(atoms);
    index.add(low, 1);
    index.add(high_tcp, 2);
    EXPECT_FALSE(index.find_covering(Term{{2, false}}));
    EXPECT_EQ(index.find_covering(Term{{2, false}, {4, false}}),
              (std::vector<uint32_t>{1, 2}));
  }
}

TEST(TermIndex, SeveralTermsCoverAListOfPaths) {
  std::vector<Atom> atoms = {
      Atom{PAL_FIELD_PATH, MatchKind::Exact, {"/a"}, {}, {}, {}},           // 0
      Atom{PAL_FIELD_PATH, MatchKind::Under, {"/srv"}, {}, {}, {}},         // 1
      Atom{PAL_FIELD_PATH, MatchKind::Exact, {"/a", "/srv/x"}, {}, {}, {}}, // 2
      Atom{PAL_FIELD_PATH, MatchKind::Exact, {"/a", "/srv"}, {}, {}, {}},   // 3
      Atom{PAL_FIELD_PATH, MatchKind::Under, {"/srv/y"}, {}, {}, {}},       // 4
      Atom{PAL_FIELD_PATH, MatchKind::Exact, {"/a", "/b"}, {}, {}, {}},     // 5
      Atom{PAL_FIELD_BINARY, MatchKind::Exact, {"/bin/x"}, {}, {}, {}},     // 6
  };
  const Term a{{0, false}}, srv{{1, false}}, b_for_x{{5, false}, {6, false}};
  TermIndex index(atoms);
  index.add(a, 1);
  index.add(srv, 2);
  index.add(b_for_x, 3);
  EXPECT_EQ(index.find_covering(Term{{2, false}}),
            (std::vector<uint32_t>{1, 2}));
  // "/srv" itself is not below "/srv".
  EXPECT_FALSE(index.find_covering(Term{{3, false}}));
  // A directory below one: the one alone (an implication).
  EXPECT_EQ(index.find_covering(Term{{4, false}}), std::vector<uint32_t>{2});
  // "/b" only for /bin/x: covered when the query names that binary too.
  EXPECT_FALSE(index.find_covering(Term{{5, false}}));
  EXPECT_EQ(index.find_covering(Term{{5, false}, {6, false}}),
            std::vector<uint32_t>{3}); // implied outright
}

// Random terms over a small tree of paths, so implications are frequent.
class RandomTerms {
public:
  RandomTerms() {
    const char *paths[] = {"/",     "/a", "/a/b", "/a/b/c",
                           "/a/bc", "/b", "/b/c", "/c"};
    for (uint8_t field : {PAL_FIELD_PATH, PAL_FIELD_BINARY}) {
      for (const char *p : paths) {
        atoms.push_back(Atom{field, MatchKind::Under, {p}, {}});
        atoms.push_back(Atom{field, MatchKind::Exact, {p}, {}});
      }
      atoms.push_back(Atom{field, MatchKind::Exact, {"/a/b", "/b/c"}, {}});
      atoms.push_back(Atom{field, MatchKind::Exact, {"/a", "/a/b/c"}, {}});
    }
  }

  Term term(int min_literals) {
    Term t;
    for (int n = min_literals + rng_() % (4 - min_literals); n > 0; --n)
      t.push_back(
          Literal{static_cast<AtomId>(rng_() % atoms.size()), rng_() % 3 == 0});
    std::sort(t.begin(), t.end());
    t.erase(std::unique(t.begin(), t.end()), t.end());
    return t;
  }

  std::vector<Atom> atoms;

private:
  std::mt19937 rng_{12345};
};

// A list every rule shares must not put every rule in the same buckets:
// each rule would then be compared with all earlier ones (5,000 rules
// `path under "/data/<n>" and binary in readers` took `check` 1 s).
TEST(TermIndex, ASharedListDoesNotMakeTheSearchQuadratic) {
  std::vector<std::string> readers;
  for (int i = 0; i < 200; ++i)
    readers.push_back("/usr/bin/r" + std::to_string(i));
  std::vector<Atom> atoms = {
      Atom{PAL_FIELD_BINARY, MatchKind::Exact, readers, {}}};
  const size_t rules = 2000;
  for (size_t i = 0; i < rules; ++i)
    atoms.push_back(Atom{
        PAL_FIELD_PATH, MatchKind::Under, {"/data/d" + std::to_string(i)}, {}});
  std::vector<Term> terms;
  for (uint32_t i = 0; i < rules; ++i)
    terms.push_back(Term{{0, false}, {i + 1, false}});
  TermIndex index(atoms);
  for (uint32_t i = 0; i < rules; ++i) {
    EXPECT_FALSE(index.find_covering(terms[i])) << i;
    index.add(terms[i], i);
  }
  // Filed under their binaries, each rule met every earlier one: ~2M.
  EXPECT_LT(index.terms_compared(), 10 * rules);
}

TEST(TermIndex, AgreesWithComparingEveryTerm) {
  RandomTerms gen;
  std::vector<Term> filed;
  for (int i = 0; i < 300; ++i)
    filed.push_back(gen.term(1)); // an empty one would be found every time
  TermIndex index(gen.atoms);
  for (uint32_t i = 0; i < filed.size(); ++i)
    index.add(filed[i], i);

  int found = 0;
  for (int q = 0; q < 2000; ++q) {
    Term t = gen.term(0);
    std::optional<uint32_t> want;
    for (uint32_t i = 0; i < filed.size() && !want; ++i)
      if (term_implies(gen.atoms, t, filed[i]))
        want = i;
    ASSERT_EQ(index.find_implied(t), want) << "query " << q;
    found += want.has_value();
  }
  EXPECT_GT(found, 200); // the test exercises hits, not only misses
}

// Whether `term` holds for an event whose fields have the values in
// `value_of` (nullopt: no known value; then no atom of the field holds and
// every negated one does).
template <class ValueOf>
bool holds(const std::vector<Atom> &atoms, const Term &term, ValueOf value_of) {
  return std::all_of(term.begin(), term.end(), [&](Literal l) {
    auto v = value_of(atoms[l.atom]);
    return (v && holds_for(atoms[l.atom], *v)) != l.negated;
  });
}

// find_covering() never names terms none of which holds for an event the
// query holds for (checked on every event over the random terms' values),
// and it finds unions find_implied() cannot.
TEST(TermIndex, CoveringIsSoundOnPaths) {
  RandomTerms gen;
  const size_t singles = gen.atoms.size();
  for (uint8_t field : {PAL_FIELD_PATH, PAL_FIELD_BINARY})
    for (std::vector<std::string> list : {std::vector<std::string>{"/a", "/b"},
                                          {"/a/b", "/c"},
                                          {"/a/x", "/b/c", "/d"},
                                          {"/a/b/c", "/b"},
                                          {"/a/bc", "/c/d"}})
      gen.atoms.push_back(Atom{field, MatchKind::Exact, list, {}, {}, {}});
  std::mt19937 rng(4242);
  auto pick = [&](size_t from, size_t to) {
    return static_cast<AtomId>(from + rng() % (to - from));
  };
  // Filed: one positive comparison, maybe a second one (either field,
  // maybe negated); queries: a list or a path, maybe more comparisons.
  std::vector<Term> filed;
  for (int i = 0; i < 60; ++i) {
    Term t{{pick(0, singles), false}};
    if (rng() % 2)
      t.push_back(Literal{pick(0, gen.atoms.size()), rng() % 3 == 0});
    std::sort(t.begin(), t.end());
    t.erase(std::unique(t.begin(), t.end()), t.end());
    filed.push_back(t);
  }
  TermIndex index(gen.atoms);
  for (uint32_t i = 0; i < filed.size(); ++i)
    index.add(filed[i], i);
  const std::vector<std::optional<std::string>> values = {
      std::nullopt, "/",       "/a",   "/a/b", "/a/b/c", "/a/b/c/d",
      "/a/bc",      "/a/bc/d", "/a/x", "/b",   "/b/c",   "/b/c/d",
      "/b/x",       "/c",      "/c/d", "/d"};
  int unions = 0;
  for (int q = 0; q < 3000; ++q) {
    Term t{{rng() % 2 ? pick(singles, gen.atoms.size())
                      : pick(0, gen.atoms.size()),
            false}};
    for (int n = rng() % 3; n > 0; --n)
      t.push_back(Literal{pick(0, gen.atoms.size()), rng() % 3 == 0});
    std::sort(t.begin(), t.end());
    t.erase(std::unique(t.begin(), t.end()), t.end());
    auto owners = index.find_covering(t);
    if (!owners)
      continue;
    unions += !index.find_implied(t);
    for (const auto &path : values)
      for (const auto &binary : values) {
        auto value_of = [&](const Atom &a) {
          return a.field == PAL_FIELD_PATH ? path : binary;
        };
        if (!holds(gen.atoms, t, value_of))
          continue;
        ASSERT_TRUE(std::any_of(
            owners->begin(), owners->end(),
            [&](uint32_t o) { return holds(gen.atoms, filed[o], value_of); }))
            << "query " << q << " path " << path.value_or("-") << " binary "
            << binary.value_or("-");
      }
  }
  EXPECT_GT(unions, 20);
}

TEST(TermIndex, CoveringIsSoundOnPorts) {
  std::mt19937 rng(777);
  std::vector<Atom> atoms;
  for (int i = 0; i < 40; ++i) { // lists of one to three small ranges
    std::vector<std::string> ranges;
    for (int n = 1 + rng() % 3; n > 0; --n) {
      uint32_t lo = rng() % 60, hi = lo + rng() % 12;
      ranges.push_back(lo == hi
                           ? std::to_string(lo)
                           : std::to_string(lo) + "-" + std::to_string(hi));
    }
    std::sort(ranges.begin(), ranges.end());
    ranges.erase(std::unique(ranges.begin(), ranges.end()), ranges.end());
    atoms.push_back(value_atom(PAL_FIELD_PORT, ranges));
  }
  atoms.push_back(value_atom(PAL_FIELD_PROTOCOL, {"tcp"}));
  atoms.push_back(value_atom(PAL_FIELD_PROTOCOL, {"udp"}));
  auto random_term = [&] {
    Term t;
    for (int n = 1 + rng() % 2; n > 0; --n)
      t.push_back(
          Literal{static_cast<AtomId>(rng() % atoms.size()), rng() % 5 == 0});
    std::sort(t.begin(), t.end());
    t.erase(std::unique(t.begin(), t.end()), t.end());
    return t;
  };
  std::vector<Term> filed;
  for (int i = 0; i < 40; ++i)
    filed.push_back(random_term());
  TermIndex index(atoms);
  for (uint32_t i = 0; i < filed.size(); ++i)
    index.add(filed[i], i);
  // A port event always has both values; holds_for() compares canonical
  // text, so each value is tested through a one-value atom's keys.
  auto holds_event = [&](const Term &t, uint32_t port, const char *proto) {
    return std::all_of(t.begin(), t.end(), [&](Literal l) {
      const Atom &a = atoms[l.atom];
      auto v =
          value_keys(a.field, a.field == PAL_FIELD_PORT ? std::to_string(port)
                                                        : std::string(proto));
      bool in = union_covers(a.keys, v.front(), value_width(a.field));
      return in != l.negated;
    });
  };
  int unions = 0;
  for (int q = 0; q < 3000; ++q) {
    Term t = random_term();
    auto owners = index.find_covering(t);
    if (!owners)
      continue;
    unions += !index.find_implied(t);
    for (uint32_t port = 0; port < 80; ++port)
      for (const char *proto : {"tcp", "udp"}) {
        if (!holds_event(t, port, proto))
          continue;
        ASSERT_TRUE(std::any_of(
            owners->begin(), owners->end(),
            [&](uint32_t o) { return holds_event(filed[o], port, proto); }))
            << "query " << q << " port " << port << " " << proto;
      }
  }
  EXPECT_GT(unions, 20);
}

} // namespace
} // namespace palisade::engine
