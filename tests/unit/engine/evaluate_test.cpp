// The reference evaluator on compiled policies: each test states what the
// kernel must decide (docs/abi.md "The decision the kernel makes").
#include <gtest/gtest.h>

#include <optional>

#include <palisade/abi.h>

#include "compile_text.h"
#include "lower/lower.h"
#include "palisade/engine/evaluate.h"

namespace palisade::engine {
namespace {

using test::compile_text;

Event exec(std::string path,
           std::optional<std::string> binary = "/usr/bin/bash") {
  Event ev;
  ev.path = std::move(path);
  ev.binary_known = binary.has_value();
  ev.binary = binary.value_or("");
  return ev;
}

Verdict eval(const CompiledPolicy &c, const Event &ev) {
  return evaluate(c.image, ev);
}

// The atoms that hold for the entries a verdict's lookups found.
std::vector<uint32_t> atoms(const CompiledPolicy &c, const Verdict &v) {
  return held_atoms(c.image, v);
}

uint32_t action(const CompiledPolicy &c, const std::string &path,
                std::optional<std::string> binary = "/usr/bin/bash") {
  return eval(c, exec(path, std::move(binary))).action;
}

TEST(Evaluate, Exact) {
  auto c = compile_text(R"(policy "p" mode enforce {
    deny exec when path == "/usr/bin/nc"
  })");
  EXPECT_EQ(action(c, "/usr/bin/nc"), PAL_ACT_DENY);
  EXPECT_EQ(action(c, "/usr/bin/ncat"), PAL_ACT_NONE);
  EXPECT_EQ(action(c, "/usr/bin/n"), PAL_ACT_NONE);
  EXPECT_EQ(action(c, "/usr/bin/nc/x"), PAL_ACT_NONE);
  // The binary field has its own key space.
  EXPECT_EQ(action(c, "/bin/ls", "/usr/bin/nc"), PAL_ACT_NONE);
}

TEST(Evaluate, UnderIsStrictlyBelow) {
  auto c = compile_text(R"(policy "p" mode enforce {
    deny exec when path under "/tmp"
  })");
  EXPECT_EQ(action(c, "/tmp/x"), PAL_ACT_DENY);
  EXPECT_EQ(action(c, "/tmp/a/b/c"), PAL_ACT_DENY);
  EXPECT_EQ(action(c, "/tmp"), PAL_ACT_NONE);
  EXPECT_EQ(action(c, "/tmpfoo"), PAL_ACT_NONE);
  EXPECT_EQ(action(c, "/tmpfoo/x"), PAL_ACT_NONE);
  EXPECT_EQ(action(c, "/var/tmp/x"), PAL_ACT_NONE);
}

TEST(Evaluate, UnderRootHoldsForEveryPath) {
  auto c = compile_text(R"(policy "p" mode enforce {
    deny exec when path under "/"
  })");
  EXPECT_EQ(action(c, "/x"), PAL_ACT_DENY);
  EXPECT_EQ(action(c, "/usr/bin/ls"), PAL_ACT_DENY);
}

TEST(Evaluate, Lists) {
  auto c = compile_text(R"(
  let tools = ["/usr/bin/nc", "/usr/bin/socat"]
  policy "p" mode enforce {
    deny exec when path in tools
    kill exec when path in ["/a", "/b"]
  })");
  EXPECT_EQ(action(c, "/usr/bin/nc"), PAL_ACT_DENY);
  EXPECT_EQ(action(c, "/usr/bin/socat"), PAL_ACT_DENY);
  EXPECT_EQ(action(c, "/a"), PAL_ACT_KILL);
  EXPECT_EQ(action(c, "/b"), PAL_ACT_KILL);
  EXPECT_EQ(action(c, "/c"), PAL_ACT_NONE);
}

TEST(Evaluate, NegationsNotInAndNotEqual) {
  auto c = compile_text(R"(policy "p" mode enforce {
    deny exec when path under "/tmp" and binary != "/usr/bin/make"
    kill exec when path under "/srv" and not binary in ["/a", "/b"]
  })");
  EXPECT_EQ(action(c, "/tmp/x", "/usr/bin/bash"), PAL_ACT_DENY);
  EXPECT_EQ(action(c, "/tmp/x", "/usr/bin/make"), PAL_ACT_NONE);
  EXPECT_EQ(action(c, "/srv/x", "/c"), PAL_ACT_KILL);
  EXPECT_EQ(action(c, "/srv/x", "/b"), PAL_ACT_NONE);
}

TEST(Evaluate, AndOr) {
  auto c = compile_text(R"(policy "p" mode enforce {
    deny exec when (path under "/a" or path under "/b") and binary == "/bin/sh"
  })");
  EXPECT_EQ(action(c, "/a/x", "/bin/sh"), PAL_ACT_DENY);
  EXPECT_EQ(action(c, "/b/x", "/bin/sh"), PAL_ACT_DENY);
  EXPECT_EQ(action(c, "/c/x", "/bin/sh"), PAL_ACT_NONE);
  EXPECT_EQ(action(c, "/a/x", "/bin/dash"), PAL_ACT_NONE);
}

TEST(Evaluate, AllowIsAnExceptionWithinItsPolicyOnly) {
  auto one = compile_text(R"(policy "a" mode enforce {
    deny exec when path under "/tmp"
    allow exec when path == "/tmp/ok"
  })");
  EXPECT_EQ(action(one, "/tmp/ok"), PAL_ACT_NONE);
  EXPECT_EQ(action(one, "/tmp/other"), PAL_ACT_DENY);

  auto two = compile_text(R"(
  policy "a" mode enforce {
    deny exec when path under "/tmp"
    allow exec when path == "/tmp/ok"
  }
  policy "b" mode enforce {
    deny exec when path under "/tmp"
  })");
  Verdict v = eval(two, exec("/tmp/ok"));
  EXPECT_EQ(v.action, PAL_ACT_DENY);
  EXPECT_EQ(v.policy, 1u);
  EXPECT_EQ(v.rule_id, 2u);
}

TEST(Evaluate, PrecedenceWithinAPolicy) {
  // Source order is the reverse of the order the rules are tried in.
  auto c = compile_text(R"(policy "p" mode enforce {
    audit exec when path under "/x"
    deny exec when path under "/x/d"
    kill exec when path under "/x/d/k"
    allow exec when path == "/x/d/k/ok"
  })");
  Verdict v = eval(c, exec("/x/a"));
  EXPECT_EQ(v.action, PAL_ACT_AUDIT);
  EXPECT_EQ(v.rule_id, 0u);
  v = eval(c, exec("/x/d/a"));
  EXPECT_EQ(v.action, PAL_ACT_DENY);
  EXPECT_EQ(v.rule_id, 1u);
  v = eval(c, exec("/x/d/k/a"));
  EXPECT_EQ(v.action, PAL_ACT_KILL);
  EXPECT_EQ(v.rule_id, 2u);
  EXPECT_EQ(action(c, "/x/d/k/ok"), PAL_ACT_NONE);
}

TEST(Evaluate, StrongestAcrossPoliciesTiesKeepTheFirst) {
  auto c = compile_text(R"(
  policy "p0" mode enforce { deny exec when path under "/x" }
  policy "p1" mode enforce { kill exec when path under "/x/k" }
  policy "p2" mode enforce { deny exec when path under "/x" })");
  Verdict v = eval(c, exec("/x/a"));
  EXPECT_EQ(v.action, PAL_ACT_DENY);
  EXPECT_EQ(v.policy, 0u);
  EXPECT_EQ(v.rule_id, 0u);
  v = eval(c, exec("/x/k/a"));
  EXPECT_EQ(v.action, PAL_ACT_KILL);
  EXPECT_EQ(v.policy, 1u);
  EXPECT_EQ(v.rule_id, 1u);
}

TEST(Evaluate, AuditModeOnlySetsWould) {
  auto c = compile_text(R"(
  policy "trial" mode audit { kill exec when path under "/x" }
  policy "live" mode enforce { audit exec when path under "/x" }
  policy "trial2" mode audit { deny exec when path under "/" })");
  Verdict v = eval(c, exec("/x/a"));
  EXPECT_EQ(v.action, PAL_ACT_AUDIT);
  EXPECT_EQ(v.policy, 1u);
  EXPECT_EQ(v.would, PAL_ACT_KILL);
  EXPECT_EQ(v.would_policy, 0u);
  EXPECT_EQ(v.would_rule_id, 0u);
  v = eval(c, exec("/y"));
  EXPECT_EQ(v.action, PAL_ACT_NONE);
  EXPECT_EQ(v.would, PAL_ACT_DENY);
  EXPECT_EQ(v.would_policy, 2u);
}

TEST(Evaluate, DocsWorkedExample) {
  auto c = compile_text(R"(
  policy "baseline" mode enforce {
    deny  exec when path in ["/usr/bin/nc", "/tmp/nc"]
    kill  exec when path under "/tmp" and binary != "/usr/bin/make"
    allow exec when path under "/tmp/build"
  }
  policy "trial" mode audit {
    deny exec when path under "/"
  })");
  Verdict v = eval(c, exec("/tmp/nc", "/bin/bash"));
  EXPECT_EQ(atoms(c, v), (std::vector<uint32_t>{0, 1, 4}));
  EXPECT_NE(v.path_entry, 0u);
  EXPECT_EQ(v.binary_entry, 0u);
  // Candidates of /tmp/nc: the kill (holds: baseline decides), the deny
  // (skipped, baseline has decided) and trial's deny.
  EXPECT_EQ(v.considered, 2u);
  EXPECT_EQ(v.action, PAL_ACT_KILL);
  EXPECT_EQ(v.rule_id, 1u);
  EXPECT_EQ(v.would, PAL_ACT_DENY);
  EXPECT_EQ(v.would_rule_id, 3u);
  v = eval(c, exec("/tmp/build/x", "/usr/bin/make"));
  EXPECT_EQ(atoms(c, v), (std::vector<uint32_t>{1, 2, 3, 4}));
  EXPECT_EQ(v.action, PAL_ACT_NONE);
  EXPECT_EQ(v.would, PAL_ACT_DENY);
  EXPECT_FALSE(v.fail_closed);
}

TEST(Evaluate, TruncatedPathMatchesUnderButNotExact) {
  auto c = compile_text(R"(
  policy "exact" mode enforce { deny exec when path == "/t/a" }
  policy "under" mode audit { deny exec when path under "/t" })");
  Event ev = exec("/t/a");
  Verdict whole = eval(c, ev);
  EXPECT_EQ(whole.action, PAL_ACT_DENY);
  EXPECT_EQ(whole.would, PAL_ACT_DENY);
  ev.path_truncated = true;
  Verdict head = eval(c, ev);
  EXPECT_EQ(head.action, PAL_ACT_NONE);
  EXPECT_EQ(head.would, PAL_ACT_DENY);
  EXPECT_EQ(atoms(c, head), (std::vector<uint32_t>{1}));
}

TEST(Evaluate, UnresolvedPathFailsClosed) {
  auto c = compile_text(R"(
  policy "p" mode enforce {
    allow exec when path == "/ok"
    deny exec when path == "/never"
    audit exec
  }
  policy "q" mode enforce { audit exec when path under "/" }
  policy "r" mode audit { kill exec when path == "/never" })");
  Event ev = exec("/ok");
  ev.path_unresolved = true;
  Verdict v = eval(c, ev);
  EXPECT_EQ(v.action, PAL_ACT_DENY); // allow does not hold, deny does
  EXPECT_EQ(v.policy, 0u);
  EXPECT_EQ(v.rule_id, 1u);
  EXPECT_TRUE(v.fail_closed);
  EXPECT_EQ(v.would, PAL_ACT_KILL); // audit-mode deny/kill rules hold too
  EXPECT_EQ(v.path_entry, 0u);      // no lookup for the path
  EXPECT_EQ(v.binary_entry, 0u);    // nor for the binary: it cannot matter

  auto mild = compile_text(R"(policy "q" mode enforce {
    audit exec when path under "/"
  })");
  Verdict m = eval(mild, ev);
  EXPECT_EQ(m.action, PAL_ACT_NONE); // audit rules do not hold
  EXPECT_FALSE(m.fail_closed);
}

TEST(Evaluate, UnknownBinaryHasNoAtoms) {
  auto c = compile_text(R"(
  policy "eq" mode enforce { deny exec when binary == "/bin/sh" }
  policy "ne" mode audit { deny exec when binary != "/usr/bin/make" })");
  Verdict v = eval(c, exec("/x", std::nullopt));
  EXPECT_EQ(v.action, PAL_ACT_NONE);
  EXPECT_EQ(v.would, PAL_ACT_DENY); // != holds: the atom does not
  v = eval(c, exec("/x", "/bin/sh"));
  EXPECT_EQ(v.action, PAL_ACT_DENY);
}

TEST(Evaluate, LongestPaths) {
  const std::string p253 = "/" + std::string(PAL_MATCH_PATH_MAX - 1, 'a');
  const std::string dir = "/" + std::string(PAL_MATCH_PATH_MAX - 2, 'd');
  ASSERT_EQ(p253.size(), 253u);
  auto c = compile_text("policy \"exact\" mode enforce { deny exec when path "
                        "== \"" +
                        p253 +
                        "\" }\n"
                        "policy \"under\" mode audit { deny exec when path "
                        "under \"" +
                        dir + "\" }\n");
  EXPECT_EQ(action(c, p253), PAL_ACT_DENY);
  // One byte more fills the key without the NUL: no exact match.
  EXPECT_EQ(action(c, p253 + "a"), PAL_ACT_NONE);
  EXPECT_EQ(action(c, p253.substr(0, 252)), PAL_ACT_NONE);
  // Paths far longer than the key still match a directory.
  EXPECT_EQ(eval(c, exec(dir + "/" + std::string(1000, 'x'))).would,
            PAL_ACT_DENY);
  EXPECT_EQ(eval(c, exec(dir + "x/y")).would, PAL_ACT_NONE);
}

TEST(Evaluate, EmptyPolicyAndRulesWithoutCondition) {
  auto empty = compile_text(R"(policy "e" mode enforce { })");
  EXPECT_EQ(eval(empty, exec("/x")), Verdict{});
  auto c = compile_text(R"(
  policy "e" mode enforce { }
  policy "never" mode enforce { kill exec when path in [] }
  policy "always" mode enforce { deny exec })");
  Verdict v = eval(c, exec("/x"));
  EXPECT_EQ(v.action, PAL_ACT_DENY);
  EXPECT_EQ(v.policy, 2u);
}

TEST(Evaluate, ReadsItsOwnSlot) {
  auto c = compile_text(R"(policy "p" mode enforce {
    deny exec when path under "/tmp"
  })",
                        "t.rules", 1);
  Verdict v = eval(c, exec("/tmp/x"));
  EXPECT_EQ(v.action, PAL_ACT_DENY);
  EXPECT_EQ(atoms(c, v), (std::vector<uint32_t>{0}));
}

// Images by hand: the evaluator trusts the bytes, as the kernel does.
// One enforce policy, one deny rule (index 0) with one term: path atom 0.
struct Hand {
  uint32_t id;
  pal_lpm_key key;
  bool candidate;             // the entry lists the deny's term
  std::vector<uint32_t> held; // atoms held for the entry
};

MapImage image_with_rule(const std::vector<Hand> &entries) {
  pal_rule r;
  std::memset(&r, 0, sizeof r);
  r.event = PAL_EVENT_EXEC;
  r.action = PAL_ACT_DENY;
  r.n_terms = 1;
  pal_term t;
  std::memset(&t, 0, sizeof t);
  t.n_must = 1;
  t.anchor_field = PAL_FIELD_PATH;
  pal_lit lit{PAL_FIELD_PATH, 0};
  pal_policy pol;
  std::memset(&pol, 0, sizeof pol);
  pol.mode = PAL_MODE_ENFORCE;
  pal_cand cand{0, 0};
  pal_slot hdr;
  std::memset(&hdr, 0, sizeof hdr);
  hdr.n_rules = 1;
  hdr.n_entries = static_cast<uint32_t>(entries.size());
  MapImage image;
  image.maps["rules"].add(uint32_t{0}, r);
  image.maps["terms"].add(uint32_t{0}, t);
  image.maps["lits"].add(uint32_t{0}, lit);
  image.maps["cands"].add(uint32_t{0}, cand);
  image.maps["policies"].add(uint32_t{0}, pol);
  image.maps["slots"].add(uint32_t{0}, hdr);
  for (const Hand &h : entries) {
    pal_entry e;
    std::memset(&e, 0, sizeof e);
    e.id = h.id;
    e.cand_count = h.candidate ? 1 : 0;
    image.maps["atoms"].add(h.key, e);
    for (uint32_t a : h.held)
      image.maps["held"].add(pal_held_key{0, h.id, a}, uint32_t{1});
  }
  return image;
}

TEST(Evaluate, LongestPrefixWinsWithoutClosure) {
  // Not closed over prefixes: the longer entry hides the shorter one's
  // atoms and candidates.
  auto image = image_with_rule(
      {{1, lpm_key(0, PAL_FIELD_PATH, MatchKind::Under, "/"), true, {0}},
       {2, lpm_key(0, PAL_FIELD_PATH, MatchKind::Under, "/tmp"), false, {1}}});
  EXPECT_EQ(evaluate(image, exec("/usr/x")).action, PAL_ACT_DENY);
  Verdict v = evaluate(image, exec("/tmp/x"));
  EXPECT_EQ(v.action, PAL_ACT_NONE);
  EXPECT_EQ(v.path_entry, 2u);
  EXPECT_EQ(held_atoms(image, v), (std::vector<uint32_t>{1}));
}

TEST(Evaluate, PrefixesAreBitsNotBytes) {
  // 12 bits: the slot byte and the high nibble of the field byte, which
  // PAL_FIELD_PATH (0x01) and PAL_FIELD_BINARY (0x02) share.
  pal_lpm_key key;
  std::memset(&key, 0, sizeof key);
  key.prefixlen = 12;
  auto image = image_with_rule({{1, key, true, {0}}});
  Verdict v = evaluate(image, exec("/x", "/bin/sh"));
  EXPECT_EQ(v.action, PAL_ACT_DENY);
  EXPECT_EQ(v.path_entry, 1u);
  EXPECT_EQ(v.binary_entry, 1u);
  key.data[1] = 0x10; // high nibble 1: neither field
  auto other = image_with_rule({{1, key, true, {0}}});
  v = evaluate(other, exec("/x", "/bin/sh"));
  EXPECT_EQ(v.action, PAL_ACT_NONE);
  EXPECT_EQ(v.path_entry, 0u);
  EXPECT_EQ(v.binary_entry, 0u);
}

TEST(Evaluate, TheTermIsCheckedOnlyOnItsOtherFields) {
  // The candidate's term names a binary atom the entry does not hold:
  // the kernel checks it (n_checks) ...
  auto image = image_with_rule(
      {{1, lpm_key(0, PAL_FIELD_PATH, MatchKind::Under, "/"), true, {0}}});
  pal_lit binary{PAL_FIELD_BINARY, 7};
  image.maps["lits"].add(uint32_t{1}, binary);
  pal_term t;
  std::memset(&t, 0, sizeof t);
  t.n_must = 2;
  t.anchor_field = PAL_FIELD_PATH;
  t.n_checks = 1;
  std::memcpy(image.maps["terms"][0].value.data(), &t, sizeof t);
  Verdict v = evaluate(image, exec("/x"));
  EXPECT_EQ(v.action, PAL_ACT_NONE);
  EXPECT_EQ(v.considered, 1u);
  // ... but not the anchor field's literals, which the compiler checked:
  // anchored on the binary, only the (held) path atom is looked at.
  t.anchor_field = PAL_FIELD_BINARY;
  std::memcpy(image.maps["terms"][0].value.data(), &t, sizeof t);
  EXPECT_EQ(evaluate(image, exec("/x")).action, PAL_ACT_DENY);
  t.anchor_field = PAL_FIELD_PATH;
  t.n_checks = 0; // nothing to check: the candidate holds
  std::memcpy(image.maps["terms"][0].value.data(), &t, sizeof t);
  EXPECT_EQ(evaluate(image, exec("/x")).action, PAL_ACT_DENY);
}

TEST(Evaluate, APolicyWithoutModeDecidesNothing) {
  auto c = compile_text(R"(policy "p" mode enforce {
    deny exec when path under "/tmp"
  })");
  EXPECT_EQ(evaluate(c.image, exec("/tmp/x")).action, PAL_ACT_DENY);
  MapImage no_policy = c.image;
  no_policy.maps["policies"].clear(); // mode OFF: decides nothing
  EXPECT_EQ(evaluate(no_policy, exec("/tmp/x")).action, PAL_ACT_NONE);
}

// Many policies and rules: the verdict comes from few candidates.
TEST(Evaluate, CostFollowsTheCandidatesNotTheRules) {
  std::string text;
  for (int p = 0; p < 60; ++p) {
    text += "policy \"p" + std::to_string(p) + "\" mode enforce {\n";
    for (int r = 0; r < 100; ++r)
      text += "  deny exec when path == \"/p" + std::to_string(p) + "/t" +
              std::to_string(r) + "\"\n";
    text += "}\n";
  }
  text += "policy \"last\" mode audit { kill exec when path under \"/p7\" }\n";
  auto c = compile_text(text);
  Verdict v = eval(c, exec("/p7/t42"));
  EXPECT_EQ(v.action, PAL_ACT_DENY);
  EXPECT_EQ(v.policy, 7u);
  EXPECT_EQ(v.rule_id, 742u);
  EXPECT_EQ(v.would, PAL_ACT_KILL);
  EXPECT_EQ(v.would_policy, 60u);
  EXPECT_EQ(v.considered, 2u);
  EXPECT_EQ(eval(c, exec("/usr/bin/ls")).considered, 0u);
}

} // namespace
} // namespace palisade::engine
