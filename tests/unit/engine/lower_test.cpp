// LPM encoding, prefix closure, anchors, candidate lists, rule order and
// the canonical JSON decoder.
#include <gtest/gtest.h>

#include <cstring>

#include <nlohmann/json.hpp>
#include <palisade/abi.h>

#include "compile_text.h"
#include "image/image_decode.h"
#include "lower/lower.h"
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

// The exact-path key hash is part of the ABI: the kernel computes the same
// numbers (docs/abi.md "Exact paths"). Values from an independent Python
// rendering of the definition.
TEST(PathHash, IsTheDocumentedFunction) {
  EXPECT_EQ(path_hash(0, ""), 0u);
  EXPECT_EQ(path_hash(0, "/usr/bin/nc"), 0xde025303254abe11u);
  EXPECT_EQ(path_hash(7, "/a"), 0x49b7cc36d3fa5f4u);
  EXPECT_EQ(path_hash(0, "/" + std::string(252, 'a')), 0xe155be8cacc97e15u);
}

TEST(PrefixClosure, NestedDirectoriesAndExactPathsInheritParents) {
  std::vector<pal_lpm_key> keys{
      lpm_key(0, PAL_FIELD_PATH, MatchKind::Under, "/"),
      lpm_key(0, PAL_FIELD_PATH, MatchKind::Under, "/tmp"),
      lpm_key(0, PAL_FIELD_PATH, MatchKind::Under, "/tmp/a"),
      lpm_key(0, PAL_FIELD_PATH, MatchKind::Exact, "/tmp/a/x"),
      lpm_key(0, PAL_FIELD_PATH, MatchKind::Exact, "/tmp"),       // the dir
      lpm_key(0, PAL_FIELD_PATH, MatchKind::Exact, "/tmpfoo"),    // not below
      lpm_key(0, PAL_FIELD_BINARY, MatchKind::Exact, "/tmp/a/x"), // field
      lpm_key(0, PAL_FIELD_PATH, MatchKind::Under, "/tmp/ab"),    // sibling
  };
  std::vector<std::vector<AtomId>> own{{0}, {1}, {2}, {3}, {4}, {5}, {6}, {7}};
  auto closed = close_over_prefixes(keys, own);
  EXPECT_EQ(closed[0], (std::vector<AtomId>{0}));
  EXPECT_EQ(closed[1], (std::vector<AtomId>{0, 1}));
  EXPECT_EQ(closed[2], (std::vector<AtomId>{0, 1, 2}));
  EXPECT_EQ(closed[3], (std::vector<AtomId>{0, 1, 2, 3}));
  EXPECT_EQ(closed[4], (std::vector<AtomId>{0, 4}));
  EXPECT_EQ(closed[5], (std::vector<AtomId>{0, 5}));
  EXPECT_EQ(closed[6], (std::vector<AtomId>{6}));
  EXPECT_EQ(closed[7], (std::vector<AtomId>{0, 1, 7}));
  EXPECT_EQ(prefix_parents(keys)[3], (std::vector<size_t>{0, 1, 2}));
}

TEST(PrefixClosure, SlotsDoNotMix) {
  std::vector<pal_lpm_key> keys{
      lpm_key(0, PAL_FIELD_PATH, MatchKind::Under, "/"),
      lpm_key(1, PAL_FIELD_PATH, MatchKind::Exact, "/a")};
  auto closed = close_over_prefixes(keys, {{0}, {1}});
  EXPECT_EQ(closed[1], (std::vector<AtomId>{1}));
}

TEST(Anchor, FewestRecordsThenExactThenLowestId) {
  std::vector<AnchorCost> cost(4);
  cost[0] = {10, 1, MatchKind::Under}; // 10 records
  cost[1] = {1, 3, MatchKind::Exact};  // 3
  cost[2] = {3, 1, MatchKind::Under};  // 3, but under
  cost[3] = {1, 3, MatchKind::Exact};  // 3, a higher id than 1
  EXPECT_EQ(choose_anchor({0, 1, 2, 3}, cost), 1u);
  EXPECT_EQ(choose_anchor({0, 2}, cost), 2u);
  EXPECT_EQ(choose_anchor({3, 2}, cost), 3u);
  EXPECT_EQ(choose_anchor({0}, cost), 0u);
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

template <typename T>
T value_at(const MapImage &image, const char *map, size_t i) {
  T v;
  const auto &e = image.maps.at(map).at(i);
  EXPECT_EQ(e.value.size(), sizeof v);
  std::memcpy(&v, e.value.data(), sizeof v);
  return v;
}

uint32_t key_at(const MapImage &image, const char *map, size_t i) {
  uint32_t k;
  std::memcpy(&k, image.maps.at(map).at(i).key.data(), sizeof k);
  return k;
}

TEST(Lower, RulesAreOrderedByPolicyThenPrecedenceThenId) {
  dsl::Diagnostics diags;
  auto image = lower(two_policies(), 1, diags);
  ASSERT_TRUE(image) << diags.render();
  const auto &rules = image->maps.at("rules");
  ASSERT_EQ(rules.size(), 5u);
  std::vector<uint32_t> ids, keys;
  for (size_t i = 0; i < rules.size(); ++i) {
    keys.push_back(key_at(*image, "rules", i));
    ids.push_back(value_at<pal_rule>(*image, "rules", i).rule_id);
  }
  EXPECT_EQ(ids, (std::vector<uint32_t>{
                     3, 4, 1, 0, 2})); // allow kill deny audit | next policy
  EXPECT_EQ(keys, (std::vector<uint32_t>{PAL_MAX_RULES, PAL_MAX_RULES + 1,
                                         PAL_MAX_RULES + 2, PAL_MAX_RULES + 3,
                                         PAL_MAX_RULES + 4}));
}

TEST(Lower, TermsBecomeLiteralsWithAnAnchorField) {
  dsl::Diagnostics diags;
  auto image = lower(two_policies(), 0, diags);
  ASSERT_TRUE(image);
  auto allow = value_at<pal_rule>(*image, "rules", 0);
  auto always = value_at<pal_rule>(*image, "rules", 3);
  auto never = value_at<pal_rule>(*image, "rules", 4);
  EXPECT_EQ(allow.action, uint32_t{PAL_ACT_ALLOW});
  EXPECT_EQ(allow.n_terms, 1u);
  EXPECT_EQ(allow.term_first, 0u);
  EXPECT_EQ(always.n_terms, 1u); // no condition: one empty term
  EXPECT_EQ(never.n_terms, 0u);  // always false
  EXPECT_EQ(never.policy, 1u);
  ASSERT_EQ(image->maps.at("terms").size(), 3u); // the kill has none
  auto t0 = value_at<pal_term>(*image, "terms", 0);
  EXPECT_EQ(t0.lit, 0u);
  EXPECT_EQ(t0.n_must, 1);
  EXPECT_EQ(t0.n_must_not, 1);
  EXPECT_EQ(t0.anchor_field, PAL_FIELD_PATH);
  EXPECT_EQ(t0.n_checks, 0); // both literals are of the anchor's field
  auto lit0 = value_at<pal_lit>(*image, "lits", 0);
  auto lit1 = value_at<pal_lit>(*image, "lits", 1);
  EXPECT_EQ(lit0.atom, 0u); // must first
  EXPECT_EQ(lit1.atom, 1u);
  EXPECT_EQ(lit1.field, uint32_t{PAL_FIELD_PATH});
  auto empty = value_at<pal_term>(*image, "terms", 2);
  EXPECT_EQ(empty.anchor_field, 0); // an "always" term
  EXPECT_EQ(empty.n_must + empty.n_must_not, 0);
}

TEST(Lower, EntriesHoldTheirClosureAndCandidates) {
  dsl::Diagnostics diags;
  auto image = lower(two_policies(), 0, diags);
  ASSERT_TRUE(image);
  // Exact paths are in the "exact" hash, none in the trie.
  EXPECT_TRUE(image->maps.at("atoms").empty());
  ASSERT_EQ(image->maps.at("exact").size(), 2u); // "/a" and "/b"
  std::map<std::string, pal_exact> exact;
  for (size_t i = 0; i < 2; ++i) {
    auto x = value_at<pal_exact>(*image, "exact", i);
    pal_exact_key k;
    std::memcpy(&k, image->maps.at("exact")[i].key.data(), sizeof k);
    std::string path(reinterpret_cast<const char *>(x.path), x.len);
    EXPECT_EQ(k.hash, path_hash(0, path));
    EXPECT_EQ(k.field, uint32_t{PAL_FIELD_PATH});
    exact[path] = x;
  }
  auto a = exact.at("/a").entry;
  auto b = exact.at("/b").entry;
  EXPECT_EQ(a.id, 1u);
  EXPECT_EQ(b.id, 2u);
  // Held pairs: /a -> {0}; /b -> {0, 1}.
  std::vector<std::array<uint32_t, 3>> held;
  for (const auto &e : image->maps.at("held")) {
    pal_held_key k;
    std::memcpy(&k, e.key.data(), sizeof k);
    held.push_back({k.slot, k.entry, k.atom});
  }
  std::sort(held.begin(), held.end());
  EXPECT_EQ(held, (std::vector<std::array<uint32_t, 3>>{
                      {0, 1, 0}, {0, 2, 0}, {0, 2, 1}}));
  // The allow rule (index 0: path in [/a, /b] and path != /b) is a
  // candidate of /a only: for /b its must_not literal fails, which the
  // compiler already knows. The deny (index 2) is a candidate of both.
  auto slot = value_at<pal_slot>(*image, "slots", 0);
  EXPECT_EQ(slot.n_rules, 5u);
  EXPECT_EQ(slot.n_entries, 2u);
  EXPECT_EQ(slot.hash_seed, 0u);
  EXPECT_EQ(slot.exact_lens[PAL_FIELD_PATH - 1][0], uint64_t{1} << 2);
  EXPECT_EQ(slot.exact_lens[PAL_FIELD_BINARY - 1][0], 0u);
  EXPECT_EQ(a.cand_count, 2u);
  EXPECT_EQ(b.cand_count, 1u);
  std::map<uint32_t, pal_cand> cands;
  for (size_t i = 0; i < image->maps.at("cands").size(); ++i)
    cands[key_at(*image, "cands", i)] = value_at<pal_cand>(*image, "cands", i);
  EXPECT_EQ(cands.at(a.cand_first).rule, 0u);
  EXPECT_EQ(cands.at(a.cand_first + 1).rule, 2u);
  EXPECT_EQ(cands.at(b.cand_first).rule, 2u);
  // Always: the audit rule without a condition (index 3).
  EXPECT_EQ(slot.always_count, 1u);
  EXPECT_EQ(cands.at(slot.always_first).rule, 3u);
  EXPECT_EQ(cands.at(slot.always_first).term, 2u);
  // Fail closed: policy 0's first deny/kill is the kill (index 1), which
  // never holds otherwise; policy 1's deny (index 4) likewise.
  EXPECT_EQ(slot.closed_count, 2u);
  EXPECT_EQ(cands.at(slot.closed_first).rule, 1u);
  EXPECT_EQ(cands.at(slot.closed_first).term, PAL_NO_TERM);
  EXPECT_EQ(cands.at(slot.closed_first + 1).rule, 4u);
}

TEST(Lower, PoliciesCarryTheirMode) {
  dsl::Diagnostics diags;
  auto image = lower(two_policies(), 1, diags);
  ASSERT_TRUE(image);
  const auto &pols = image->maps.at("policies");
  ASSERT_EQ(pols.size(), 2u);
  EXPECT_EQ(key_at(*image, "policies", 1), uint32_t{PAL_MAX_POLICIES + 1});
  EXPECT_EQ(value_at<pal_policy>(*image, "policies", 1).mode,
            uint32_t{PAL_MODE_AUDIT});
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
    p.rules.back().loc.line = 100000 + i;
  }
  dsl::Diagnostics diags;
  EXPECT_FALSE(lower(p, 0, diags));
  ASSERT_EQ(diags.error_count(), 2u);
  EXPECT_EQ(diags.all()[0].message, "too many policies: the limit is 64");
  EXPECT_EQ(diags.all()[0].loc.line, PAL_MAX_POLICIES + 1u);
  EXPECT_EQ(diags.all()[1].message,
            "too many rules: the limit is 16384 over all policies");
  EXPECT_EQ(diags.all()[1].loc.line, 100000u + PAL_MAX_RULES);
}

TEST(Lower, SixteenThousandRulesFit) {
  Program p;
  p.policies.push_back({PolicyInfo{"p", dsl::Mode::Enforce, 0, {}}, {}});
  for (uint32_t i = 0; i < PAL_MAX_RULES; ++i) {
    p.atoms.push_back(Atom{
        PAL_FIELD_PATH, MatchKind::Exact, {"/bin/t" + std::to_string(i)}, {}});
    p.rules.push_back(ir_rule(i, 0, dsl::Action::Deny, {{Literal{i, false}}}));
  }
  dsl::Diagnostics diags;
  auto image = lower(p, 1, diags);
  ASSERT_TRUE(image) << diags.render();
  EXPECT_EQ(image->maps.at("exact").size(), size_t{PAL_MAX_RULES});
  EXPECT_EQ(image->maps.at("cands").size(), size_t{PAL_MAX_RULES + 1});
}

// Rules whose only must atom is `under "/d"`: each is a candidate of /d's
// entry, so the 65th overflows that list.
TEST(Lower, OneEntryHoldsAtMost64Candidates) {
  Program p;
  p.policies.push_back({PolicyInfo{"p", dsl::Mode::Enforce, 0, {}}, {}});
  p.atoms.push_back(Atom{PAL_FIELD_PATH, MatchKind::Under, {"/d"}, {}});
  for (uint32_t i = 0; i <= PAL_MAX_LIST; ++i) {
    p.rules.push_back(ir_rule(i, 0, dsl::Action::Deny, {{Literal{0, false}}}));
    p.rules.back().loc.line = 10 + i;
  }
  dsl::Diagnostics diags;
  EXPECT_FALSE(lower(p, 0, diags));
  ASSERT_EQ(diags.error_count(), 1u);
  EXPECT_EQ(diags.all()[0].message,
            "more than 64 rule conditions can hold through path under \"/d\"");
  EXPECT_EQ(diags.all()[0].loc.line, 10u + PAL_MAX_LIST);
  p.rules.pop_back();
  dsl::Diagnostics ok;
  EXPECT_TRUE(lower(p, 0, ok)) << ok.render();
}

TEST(Lower, AtMost64ConditionsWithoutAMustAtom) {
  Program p;
  p.policies.push_back({PolicyInfo{"p", dsl::Mode::Enforce, 0, {}}, {}});
  p.atoms.push_back(Atom{PAL_FIELD_BINARY, MatchKind::Exact, {"/bin/b"}, {}});
  for (uint32_t i = 0; i <= PAL_MAX_LIST; ++i) {
    p.rules.push_back(ir_rule(i, 0, dsl::Action::Audit, {{Literal{0, true}}}));
    p.rules.back().loc.line = 10 + i;
  }
  dsl::Diagnostics diags;
  EXPECT_FALSE(lower(p, 0, diags));
  ASSERT_EQ(diags.error_count(), 1u);
  EXPECT_EQ(diags.all()[0].message,
            "more than 64 rule conditions have no comparison that must "
            "hold, and each is checked for every event of its kind");
  EXPECT_EQ(diags.all()[0].loc.line, 10u + PAL_MAX_LIST);
}

// `under "/"` is a candidate of every path entry: four such rules over
// 65536 exact paths need more records than a slot's part of "cands".
TEST(Lower, CandidateRecordsOfASlotAreBounded) {
  Program p;
  p.policies.push_back({PolicyInfo{"p", dsl::Mode::Enforce, 0, {}}, {}});
  p.atoms.push_back(Atom{PAL_FIELD_PATH, MatchKind::Under, {"/"}, {}});
  std::vector<std::string> files;
  for (size_t i = 0; i < 65536; ++i)
    files.push_back("/f" + std::to_string(i));
  p.atoms.push_back(Atom{PAL_FIELD_PATH, MatchKind::Exact, files, {}});
  for (uint32_t i = 0; i < 3; ++i) {
    p.rules.push_back(ir_rule(i, 0, dsl::Action::Deny, {{Literal{0, false}}}));
    p.rules.back().loc.line = 10 + i;
  }
  dsl::Diagnostics ok;
  auto image = lower(p, 0, ok);
  ASSERT_TRUE(image) << ok.render();
  EXPECT_EQ(image->maps.at("cands").size(), 3u * 65537 + 1); // + fail closed
  p.rules.push_back(ir_rule(3, 0, dsl::Action::Deny, {{Literal{0, false}}}));
  p.rules.back().loc.line = 13;
  dsl::Diagnostics diags;
  EXPECT_FALSE(lower(p, 0, diags));
  ASSERT_EQ(diags.error_count(), 1u);
  EXPECT_EQ(diags.all()[0].message,
            "the policies need more than 262144 candidate records in the "
            "kernel");
  EXPECT_EQ(diags.all()[0].loc.line, 13u);
}

TEST(Lower, AtomEntriesMustLeaveRoomForTheOtherSlot) {
  Program p;
  p.policies.push_back({PolicyInfo{"p", dsl::Mode::Enforce, 0, {}}, {}});
  std::vector<std::string> files;
  for (size_t i = 0; i < kMaxAtomEntriesPerSlot; ++i)
    files.push_back("/f" + std::to_string(i));
  p.atoms.push_back(Atom{PAL_FIELD_PATH, MatchKind::Exact, files, {}});
  dsl::Diagnostics ok;
  EXPECT_TRUE(lower(p, 0, ok)) << ok.render();

  p.atoms.push_back(Atom{PAL_FIELD_PATH, MatchKind::Under, {"/f0"}, {}});
  p.atoms.back().loc.line = 42;
  dsl::Diagnostics diags;
  EXPECT_FALSE(lower(p, 0, diags));
  ASSERT_EQ(diags.error_count(), 1u);
  EXPECT_EQ(diags.all()[0].loc.line, 42u);
  EXPECT_EQ(diags.all()[0].message,
            "the policies need more than 131072 path entries");
}

// ---- canonical JSON --------------------------------------------------------

Program with_under() {
  Program p = two_policies();
  p.atoms.push_back(Atom{PAL_FIELD_PATH, MatchKind::Under, {"/d"}, {}});
  p.rules.push_back(ir_rule(5, 0, dsl::Action::Deny, {{Literal{2, false}}}));
  return p;
}

CompiledPolicy two_policies_compiled() {
  dsl::Diagnostics diags;
  auto image = lower(two_policies(), 0, diags);
  EXPECT_TRUE(image);
  CompiledPolicy c;
  c.image = *image;
  c.n_rules = 5;
  c.policies = {PolicyInfo{"first", dsl::Mode::Enforce, 0, {}},
                PolicyInfo{"second", dsl::Mode::Audit, 1, {}}};
  return c;
}

TEST(CanonicalJson, DecodesTheBytes) {
  CompiledPolicy c = two_policies_compiled();
  auto j = nlohmann::json::parse(to_canonical_json(c));
  EXPECT_EQ(j["n_rules"], 5);
  EXPECT_EQ(j["entries"][1],
            nlohmann::json::parse(R"({"id":2,"map":"exact","field":"path",
      "match":"exact","value":"/b","held":[0,1],
      "candidates":["rule 2 term 0"]})"));
  EXPECT_EQ(j["rules"][0],
            nlohmann::json::parse(R"({"index":0,"policy":0,"rule_id":3,
      "event":"exec","action":"allow","terms":[{"must":["path:0"],
      "must_not":["path:1"],"anchor_field":"path"}]})"));
  EXPECT_EQ(j["rules"][4]["terms"], nlohmann::json::array());
  EXPECT_EQ(j["always"], nlohmann::json::parse(R"(["rule 3 term 0"])"));
  EXPECT_EQ(j["fail_closed"], nlohmann::json::parse(R"(["rule 1","rule 4"])"));
  EXPECT_EQ(
      j["policies"][1],
      nlohmann::json::parse(R"({"index":1,"mode":"audit","name":"second"})"));
  // Flipping one byte of a value shows up in the JSON.
  c.image.maps["rules"][0].value[offsetof(pal_rule, action)] = PAL_ACT_KILL;
  j = nlohmann::json::parse(to_canonical_json(c));
  EXPECT_EQ(j["rules"][0]["action"], "kill");
}

TEST(CanonicalJson, RejectsBytesTheKernelWouldMisread) {
  {
    CompiledPolicy c;
    dsl::Diagnostics diags;
    c.image = *lower(with_under(), 0, diags);
    EXPECT_NO_THROW(to_canonical_json(c));
    auto key = c.image.maps["atoms"].at(0).key;
    key[key.size() - 1] = 'x'; // garbage past prefixlen
    EXPECT_THROW(to_canonical_json(c), std::runtime_error);
  }
  {
    CompiledPolicy c = two_policies_compiled();
    // An exact key whose hash is not its path's.
    c.image.maps["exact"].at(0).key[offsetof(pal_exact_key, hash)] ^= 1;
    EXPECT_THROW(to_canonical_json(c), std::runtime_error);
  }
  {
    CompiledPolicy c = two_policies_compiled();
    // A length bit missing: the kernel would never look the path up.
    c.image.maps["slots"].at(0).value[offsetof(pal_slot, exact_lens)] = 0;
    EXPECT_THROW(to_canonical_json(c), std::runtime_error);
  }
  {
    CompiledPolicy c = two_policies_compiled();
    // A term's n_checks that disagrees with its literals.
    c.image.maps["terms"][0].value[offsetof(pal_term, n_checks)] = 1;
    EXPECT_THROW(to_canonical_json(c), std::runtime_error);
  }
  {
    CompiledPolicy c = two_policies_compiled();
    // A candidate list that reaches past what was written.
    auto v = c.image.maps["exact"].at(0).value;
    v[offsetof(pal_exact, entry) + offsetof(pal_entry, cand_count)] = 9;
    EXPECT_THROW(to_canonical_json(c), std::runtime_error);
  }
  {
    CompiledPolicy c = two_policies_compiled();
    c.image.maps["bogus"] = {};
    EXPECT_THROW(to_canonical_json(c), std::runtime_error);
  }
}

TEST(Compile, NoPoliciesGiveAnEmptyImage) {
  dsl::Diagnostics diags;
  auto c = compile({}, TargetCaps{}, 1, diags);
  ASSERT_TRUE(c) << diags.render();
  EXPECT_EQ(c->n_rules, 0u);
  auto j = nlohmann::json::parse(to_canonical_json(*c));
  EXPECT_EQ(j["slot"], 1);
  EXPECT_TRUE(j["entries"].empty());
  EXPECT_TRUE(j["rules"].empty());
  EXPECT_TRUE(j["policies"].empty());
  EXPECT_TRUE(j["always"].empty());
}

TEST(Compile, OnlyTwoSlotsExist) {
  dsl::Diagnostics diags;
  EXPECT_FALSE(compile({}, TargetCaps{}, PAL_SLOTS, diags));
  EXPECT_EQ(diags.error_count(), 1u);
}

// The candidate filter: a term anchored on a path atom is listed only
// for the path entries whose closure satisfies its other path literals.
TEST(Compile, CandidatesAreFilteredByTheAnchorField) {
  auto c = test::compile_text(R"(policy "p" mode enforce {
    kill exec when path under "/tmp" and not path under "/tmp/ok" and binary != "/bin/make"
    allow exec when path == "/tmp/ok/x"
  })");
  auto j = nlohmann::json::parse(to_canonical_json(c));
  std::map<std::string, nlohmann::json> by_value;
  for (const auto &e : j["entries"])
    by_value[e["value"].get<std::string>()] = e["candidates"];
  EXPECT_EQ(by_value.at("/tmp/"),
            nlohmann::json::parse(R"(["rule 1 term 0"])"));
  // Under /tmp/ok the kill cannot hold: not listed there.
  EXPECT_EQ(by_value.at("/tmp/ok/"), nlohmann::json::array());
  EXPECT_EQ(by_value.at("/tmp/ok/x"),
            nlohmann::json::parse(R"(["rule 0 term 0"])"));
  EXPECT_EQ(j["rules"][1]["terms"][0]["anchor_field"], "path");
}

} // namespace
} // namespace palisade::engine
