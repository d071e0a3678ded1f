// LPM encoding, prefix closure, rule order and the canonical JSON decoder.
#include <gtest/gtest.h>

#include <cstring>

#include <nlohmann/json.hpp>
#include <palisade/abi.h>

#include "lower.h"
#include "passes.h"

namespace palisade::engine {
namespace {

std::string key_bytes(const pal_lpm_key &k) {
  return std::string(reinterpret_cast<const char *>(k.data), k.prefixlen / 8);
}

TEST(LpmKey, ExactEndsInNul) {
  pal_lpm_key k = lpm_key(1, PAL_FIELD_PATH, MatchKind::Exact, "/usr/bin/nc");
  EXPECT_EQ(k.prefixlen, 8u * (2 + 11 + 1));
  EXPECT_EQ(key_bytes(k), std::string("\x01\x01/usr/bin/nc\0", 14));
  for (size_t i = 14; i < PAL_LPM_DATA; ++i)
    ASSERT_EQ(k.data[i], 0) << i;
}

TEST(LpmKey, UnderEndsInSlash) {
  pal_lpm_key k = lpm_key(0, PAL_FIELD_BINARY, MatchKind::Under, "/tmp");
  EXPECT_EQ(k.prefixlen, 8u * (2 + 5));
  EXPECT_EQ(key_bytes(k), std::string("\x00\x02/tmp/", 7));
  pal_lpm_key root = lpm_key(0, PAL_FIELD_PATH, MatchKind::Under, "/");
  EXPECT_EQ(root.prefixlen, 8u * 3);
  EXPECT_EQ(key_bytes(root), std::string("\x00\x01/", 3));
}

TEST(LpmKey, LongestPathFillsTheKey) {
  std::string p = "/" + std::string(PAL_MATCH_PATH_MAX - 1, 'a');
  EXPECT_EQ(lpm_key(0, PAL_FIELD_PATH, MatchKind::Exact, p).prefixlen,
            8u * PAL_LPM_DATA);
  EXPECT_EQ(lpm_key(0, PAL_FIELD_PATH, MatchKind::Under, p).prefixlen,
            8u * PAL_LPM_DATA);
}

MapEntry entry(uint32_t slot, uint8_t field, MatchKind kind,
               const std::string &v, std::initializer_list<AtomId> ids) {
  pal_atom_set set{};
  for (AtomId id : ids)
    set.bits[id / 64] |= uint64_t{1} << (id % 64);
  return MapEntry{bytes_of(lpm_key(slot, field, kind, v)), bytes_of(set)};
}

std::vector<AtomId> ids_of(const MapEntry &e) {
  pal_atom_set set;
  std::memcpy(&set, e.value.data(), sizeof set);
  std::vector<AtomId> out;
  for (AtomId id = 0; id < PAL_MAX_ATOMS; ++id)
    if (set.bits[id / 64] >> (id % 64) & 1)
      out.push_back(id);
  return out;
}

TEST(PrefixClosure, NestedDirectoriesAndExactPathsInheritParents) {
  std::vector<MapEntry> e{
      entry(0, PAL_FIELD_PATH, MatchKind::Under, "/", {0}),
      entry(0, PAL_FIELD_PATH, MatchKind::Under, "/tmp", {1}),
      entry(0, PAL_FIELD_PATH, MatchKind::Under, "/tmp/a", {2}),
      entry(0, PAL_FIELD_PATH, MatchKind::Exact, "/tmp/a/x", {3}),
      entry(0, PAL_FIELD_PATH, MatchKind::Exact, "/tmp", {4}), // the dir itself
      entry(0, PAL_FIELD_PATH, MatchKind::Exact, "/tmpfoo",
            {5}), // not below /tmp
      entry(0, PAL_FIELD_BINARY, MatchKind::Exact, "/tmp/a/x",
            {6}), // other field
      entry(0, PAL_FIELD_PATH, MatchKind::Under, "/tmp/ab",
            {7}), // sibling of /tmp/a
  };
  close_over_prefixes(e);
  EXPECT_EQ(ids_of(e[0]), (std::vector<AtomId>{0}));
  EXPECT_EQ(ids_of(e[1]), (std::vector<AtomId>{0, 1}));
  EXPECT_EQ(ids_of(e[2]), (std::vector<AtomId>{0, 1, 2}));
  EXPECT_EQ(ids_of(e[3]), (std::vector<AtomId>{0, 1, 2, 3}));
  EXPECT_EQ(ids_of(e[4]), (std::vector<AtomId>{0, 4}));
  EXPECT_EQ(ids_of(e[5]), (std::vector<AtomId>{0, 5}));
  EXPECT_EQ(ids_of(e[6]), (std::vector<AtomId>{6}));
  EXPECT_EQ(ids_of(e[7]), (std::vector<AtomId>{0, 1, 7}));
}

TEST(PrefixClosure, SlotsDoNotMix) {
  std::vector<MapEntry> e{
      entry(0, PAL_FIELD_PATH, MatchKind::Under, "/", {0}),
      entry(1, PAL_FIELD_PATH, MatchKind::Exact, "/a", {1})};
  close_over_prefixes(e);
  EXPECT_EQ(ids_of(e[1]), (std::vector<AtomId>{1}));
}

// ---- the pass -----------------------------------------------------------

IrRule ir_rule(uint32_t id, uint32_t policy, dsl::Action a,
               std::vector<Term> terms) {
  return IrRule{id, policy, a, PAL_EVENT_EXEC, std::move(terms), {}};
}

Program two_policies() {
  Program p;
  p.atoms.push_back(Atom{PAL_FIELD_PATH, MatchKind::Exact, {"/a", "/b"}, {}});
  p.atoms.push_back(Atom{PAL_FIELD_PATH, MatchKind::Exact, {"/b"}, {}});
  p.policies.push_back({PolicyInfo{"first", dsl::Mode::Enforce, 0, {}}, {}});
  p.policies.push_back({PolicyInfo{"second", dsl::Mode::Audit, 1, {}}, {}});
  p.rules.push_back(ir_rule(0, 0, dsl::Action::Audit, {{}}));
  p.rules.push_back(ir_rule(1, 0, dsl::Action::Deny, {{Literal{0, false}}}));
  p.rules.push_back(ir_rule(2, 1, dsl::Action::Deny, {}));
  p.rules.push_back(ir_rule(3, 0, dsl::Action::Allow,
                            {{Literal{0, false}, Literal{1, true}}}));
  p.rules.push_back(ir_rule(4, 0, dsl::Action::Kill, {}));
  return p;
}

TEST(Lower, RulesAreOrderedByPolicyThenPrecedenceThenId) {
  dsl::Diagnostics diags;
  auto image = lower(two_policies(), 1, diags);
  ASSERT_TRUE(image) << diags.render();
  const auto &rules = image->maps.at("rules");
  ASSERT_EQ(rules.size(), 5u);
  std::vector<uint32_t> ids, keys;
  for (const auto &e : rules) {
    uint32_t key;
    pal_rule r;
    std::memcpy(&key, e.key.data(), sizeof key);
    std::memcpy(&r, e.value.data(), sizeof r);
    keys.push_back(key);
    ids.push_back(r.rule_id);
  }
  EXPECT_EQ(ids, (std::vector<uint32_t>{
                     3, 4, 1, 0, 2})); // allow kill deny audit | next policy
  EXPECT_EQ(keys, (std::vector<uint32_t>{256, 257, 258, 259, 260}));
}

TEST(Lower, TermsBecomeBitmasks) {
  dsl::Diagnostics diags;
  auto image = lower(two_policies(), 0, diags);
  ASSERT_TRUE(image);
  pal_rule allow, always, never;
  std::memcpy(&allow, image->maps.at("rules")[0].value.data(), sizeof allow);
  std::memcpy(&always, image->maps.at("rules")[3].value.data(), sizeof always);
  std::memcpy(&never, image->maps.at("rules")[4].value.data(), sizeof never);
  EXPECT_EQ(allow.action, uint32_t{PAL_ACT_ALLOW});
  EXPECT_EQ(allow.n_terms, 1u);
  EXPECT_EQ(allow.terms[0].must[0], 1u);
  EXPECT_EQ(allow.terms[0].must_not[0], 2u);
  EXPECT_EQ(always.n_terms, 1u); // no condition: one empty term
  EXPECT_EQ(always.terms[0].must[0], 0u);
  EXPECT_EQ(never.n_terms, 0u); // always false
  EXPECT_EQ(never.policy, 1u);
}

TEST(Lower, AtomsOfOneKeyMergeBits) {
  dsl::Diagnostics diags;
  auto image = lower(two_policies(), 0, diags);
  ASSERT_TRUE(image);
  const auto &atoms = image->maps.at("atoms");
  ASSERT_EQ(atoms.size(), 2u); // "/a" and "/b"
  std::vector<std::vector<AtomId>> got{ids_of(atoms[0]), ids_of(atoms[1])};
  EXPECT_EQ(got, (std::vector<std::vector<AtomId>>{{0}, {0, 1}}));
}

TEST(Lower, PoliciesCarryTheirMode) {
  dsl::Diagnostics diags;
  auto image = lower(two_policies(), 1, diags);
  ASSERT_TRUE(image);
  const auto &pols = image->maps.at("policies");
  ASSERT_EQ(pols.size(), 2u);
  uint32_t key;
  pal_policy v;
  std::memcpy(&key, pols[1].key.data(), sizeof key);
  std::memcpy(&v, pols[1].value.data(), sizeof v);
  EXPECT_EQ(key, uint32_t{PAL_MAX_POLICIES + 1});
  EXPECT_EQ(v.mode, uint32_t{PAL_MODE_AUDIT});
}

TEST(Lower, RuleAndPolicyLimitsAreErrorsAtTheFirstOneOver) {
  Program p;
  for (uint32_t i = 0; i <= PAL_MAX_POLICIES; ++i) {
    p.policies.push_back(
        {PolicyInfo{"p" + std::to_string(i), dsl::Mode::Enforce, i, {}}, {}});
    p.policies.back().name_loc.line = i + 1;
  }
  for (uint32_t i = 0; i <= PAL_MAX_RULES; ++i) {
    p.rules.push_back(ir_rule(i, 0, dsl::Action::Deny, {{}}));
    p.rules.back().loc.line = 1000 + i;
  }
  dsl::Diagnostics diags;
  EXPECT_FALSE(lower(p, 0, diags));
  ASSERT_EQ(diags.error_count(), 2u);
  EXPECT_EQ(diags.all()[0].message, "too many policies: the limit is 64");
  EXPECT_EQ(diags.all()[0].loc.line, PAL_MAX_POLICIES + 1u);
  EXPECT_EQ(diags.all()[1].loc.line, 1000u + PAL_MAX_RULES);
}

TEST(CanonicalJson, DecodesTheBytes) {
  dsl::Diagnostics diags;
  auto image = lower(two_policies(), 0, diags);
  ASSERT_TRUE(image);
  CompiledPolicy c;
  c.image = *image;
  c.n_rules = 5;
  c.policies = {PolicyInfo{"first", dsl::Mode::Enforce, 0, {}},
                PolicyInfo{"second", dsl::Mode::Audit, 1, {}}};
  auto j = nlohmann::json::parse(to_canonical_json(c));
  EXPECT_EQ(j["atoms"][1],
            nlohmann::json::parse(R"({"field":"path","match":"exact",
      "value":"/b","prefixlen":40,"atoms":[0,1]})"));
  EXPECT_EQ(j["rules"][0],
            nlohmann::json::parse(R"({"index":0,"policy":0,"rule_id":3,
      "event":"exec","action":"allow","terms":[{"must":[0],"must_not":[1]}]})"));
  EXPECT_EQ(j["rules"][4]["terms"], nlohmann::json::array());
  EXPECT_EQ(
      j["policies"][1],
      nlohmann::json::parse(R"({"index":1,"mode":"audit","name":"second"})"));
  // Flipping one byte of a value shows up in the JSON.
  c.image.maps["rules"][0].value[offsetof(pal_rule, action)] = PAL_ACT_KILL;
  j = nlohmann::json::parse(to_canonical_json(c));
  EXPECT_EQ(j["rules"][0]["action"], "kill");
}

TEST(CanonicalJson, RejectsBytesTheKernelWouldMisread) {
  dsl::Diagnostics diags;
  auto image = lower(two_policies(), 0, diags);
  ASSERT_TRUE(image);
  CompiledPolicy c;
  c.image = *image;
  auto &key = c.image.maps["atoms"][0].key;
  key[key.size() - 1] = 'x'; // garbage past prefixlen
  EXPECT_THROW(to_canonical_json(c), std::runtime_error);
}

} // namespace
} // namespace palisade::engine

namespace palisade::engine {
namespace {

TEST(Lower, AtomEntriesMustLeaveRoomForTheOtherSlot) {
  Program p;
  p.policies.push_back({PolicyInfo{"p", dsl::Mode::Enforce, 0, {}}, {}});
  Atom big{PAL_FIELD_PATH, MatchKind::Exact, {}, {}};
  for (size_t i = 0; i < kMaxAtomEntriesPerSlot; ++i)
    big.values.push_back("/f" + std::to_string(i));
  p.atoms.push_back(big);
  dsl::Diagnostics ok;
  EXPECT_TRUE(lower(p, 0, ok)) << ok.render();

  p.atoms.push_back(Atom{PAL_FIELD_PATH, MatchKind::Under, {"/f0"}, {}});
  p.atoms.back().loc.line = 42;
  dsl::Diagnostics diags;
  EXPECT_FALSE(lower(p, 0, diags));
  ASSERT_EQ(diags.error_count(), 1u);
  EXPECT_EQ(diags.all()[0].loc.line, 42u);
  EXPECT_EQ(diags.all()[0].message,
            "the policies need more than 8192 path entries");
}

} // namespace
} // namespace palisade::engine

namespace palisade::engine {
namespace {

TEST(Compile, NoPoliciesGiveAnEmptyImage) {
  dsl::Diagnostics diags;
  auto c = compile({}, TargetCaps{}, 1, diags);
  ASSERT_TRUE(c) << diags.render();
  EXPECT_EQ(c->n_rules, 0u);
  auto j = nlohmann::json::parse(to_canonical_json(*c));
  EXPECT_EQ(j["slot"], 1);
  EXPECT_TRUE(j["atoms"].empty());
  EXPECT_TRUE(j["rules"].empty());
  EXPECT_TRUE(j["policies"].empty());
}

TEST(Compile, OnlyTwoSlotsExist) {
  dsl::Diagnostics diags;
  EXPECT_FALSE(compile({}, TargetCaps{}, PAL_SLOTS, diags));
  EXPECT_EQ(diags.error_count(), 1u);
}

} // namespace
} // namespace palisade::engine
