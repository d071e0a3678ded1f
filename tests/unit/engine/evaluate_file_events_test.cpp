// The reference evaluator on file events: access masks, rename targets,
// rules of one event not deciding another, and failing closed per event.
#include <gtest/gtest.h>

#include <palisade/abi.h>

#include "compile_text.h"
#include "palisade/engine/evaluate.h"
#include "test_events.h"

namespace palisade::engine {
namespace {

using test::compile_text;

using test::event_of;
using test::open_of;
using test::rename_of;

constexpr uint32_t R = PAL_ACCESS_READ, W = PAL_ACCESS_WRITE,
                   C = PAL_ACCESS_CREATE, T = PAL_ACCESS_TRUNCATE;

TEST(EvaluateOpen, AccessHoldsForAnyNamedIntent) {
  auto c = compile_text(R"(policy "p" mode enforce {
    deny open when path == "/etc/shadow" and access == "write"
    kill open when path under "/boot" and access in ["create", "truncate"]
  })");
  auto action = [&](const std::string &path, uint32_t access) {
    return evaluate(c.image, open_of(path, access)).action;
  };
  EXPECT_EQ(action("/etc/shadow", R), PAL_ACT_NONE);
  EXPECT_EQ(action("/etc/shadow", W), PAL_ACT_DENY);
  EXPECT_EQ(action("/etc/shadow", R | W), PAL_ACT_DENY);
  EXPECT_EQ(action("/etc/shadow", W | T), PAL_ACT_DENY);
  EXPECT_EQ(action("/etc/passwd", W), PAL_ACT_NONE);
  EXPECT_EQ(action("/boot/vmlinuz", W), PAL_ACT_NONE);
  EXPECT_EQ(action("/boot/vmlinuz", W | C), PAL_ACT_KILL);
  EXPECT_EQ(action("/boot/vmlinuz", R | T), PAL_ACT_KILL);
  EXPECT_EQ(action("/boot/vmlinuz", 0), PAL_ACT_NONE);
}

TEST(EvaluateOpen, NegatedAccessHoldsWhenNoNamedIntentIsThere) {
  auto c = compile_text(R"(policy "p" mode enforce {
    deny open when path under "/srv" and access != "write"
    audit open when path under "/srv" and access not in ["read", "write"]
  })");
  auto v = [&](uint32_t access) {
    return evaluate(c.image, open_of("/srv/f", access));
  };
  EXPECT_EQ(v(R).action, PAL_ACT_DENY);
  EXPECT_EQ(v(R | W).action, PAL_ACT_NONE);
  EXPECT_EQ(v(C).action, PAL_ACT_DENY); // create only: no write
  // An open with no intent has no access entry: no access atom holds,
  // each negation does.
  Verdict none = v(0);
  EXPECT_EQ(none.access_entry, 0u);
  EXPECT_EQ(none.action, PAL_ACT_DENY);
}

TEST(EvaluateOpen, TheAccessEntryIsTheOpensWholeMask) {
  auto c = compile_text(R"(policy "p" mode enforce {
    deny open when access == "truncate"
  })");
  Verdict rt = evaluate(c.image, open_of("/x", R | T));
  Verdict t = evaluate(c.image, open_of("/x", T));
  EXPECT_NE(rt.access_entry, 0u);
  EXPECT_NE(t.access_entry, 0u);
  EXPECT_NE(rt.access_entry, t.access_entry);
  EXPECT_EQ(rt.action, PAL_ACT_DENY);
  Verdict only_access;
  only_access.access_entry = rt.access_entry;
  EXPECT_EQ(held_atoms(c.image, only_access), std::vector<uint32_t>{0});
  // Read alone meets no atom: no entry.
  EXPECT_EQ(evaluate(c.image, open_of("/x", R)).access_entry, 0u);
  // Bits above the intents are not part of the key (& PAL_ACCESS_ALL).
  EXPECT_EQ(evaluate(c.image, open_of("/x", T | 0x100)).access_entry,
            t.access_entry);
}

TEST(EvaluateOpen, AccessIsLookedUpForOpensOnly) {
  auto c = compile_text(R"(
  policy "p" mode enforce { deny open when access == "write" }
  policy "q" mode enforce { deny exec when path == "/x" })");
  Event exec = event_of(PAL_EVENT_EXEC, "/y");
  exec.access = W; // not an open: the field does not exist
  Verdict v = evaluate(c.image, exec);
  EXPECT_EQ(v.access_entry, 0u);
  EXPECT_EQ(v.action, PAL_ACT_NONE);
}

TEST(EvaluateRename, TargetIsTheNewName) {
  auto c = compile_text(R"(policy "p" mode enforce {
    deny rename when target under "/etc" and path not in ["/etc/passwd.tmp"]
    kill rename when target == "/usr/bin/sudo"
  })");
  auto v = [&](const std::string &from, const std::string &to) {
    return evaluate(c.image, rename_of(from, to));
  };
  EXPECT_EQ(v("/tmp/x", "/etc/cron.d/x").action, PAL_ACT_DENY);
  EXPECT_EQ(v("/etc/passwd.tmp", "/etc/passwd").action, PAL_ACT_NONE);
  EXPECT_EQ(v("/etc/x", "/tmp/x").action, PAL_ACT_NONE); // path, not target
  Verdict k = v("/tmp/sudo", "/usr/bin/sudo");
  EXPECT_EQ(k.action, PAL_ACT_KILL);
  EXPECT_NE(k.target_entry, 0u);
  EXPECT_EQ(k.path_entry, 0u);
  // A truncated new name is a head: under matches, == does not.
  Event head = rename_of("/tmp/x", "/usr/bin/sudo");
  head.target_truncated = true;
  EXPECT_EQ(evaluate(c.image, head).action, PAL_ACT_NONE);
  head.target = "/etc/x";
  EXPECT_EQ(evaluate(c.image, head).action, PAL_ACT_DENY);
}

TEST(EvaluateRename, TargetIsLookedUpForRenamesOnly) {
  auto c = compile_text(R"(policy "p" mode enforce {
    deny rename when target == "/x"
    deny unlink when path == "/y"
  })");
  Event unlink = event_of(PAL_EVENT_UNLINK, "/z");
  unlink.target = "/x";
  unlink.target_unresolved = true; // means nothing outside a rename
  Verdict v = evaluate(c.image, unlink);
  EXPECT_EQ(v.target_entry, 0u);
  EXPECT_EQ(v.action, PAL_ACT_NONE);
  EXPECT_FALSE(v.fail_closed);
}

TEST(EvaluateEvents, RulesDecideOnlyTheirOwnEvent) {
  auto c = compile_text(R"(policy "p" mode enforce {
    deny unlink when path under "/var/log"
    kill chmod when path under "/var/log"
    audit chown
  })");
  auto action = [&](uint32_t kind) {
    return evaluate(c.image, event_of(kind, "/var/log/syslog")).action;
  };
  EXPECT_EQ(action(PAL_EVENT_UNLINK), PAL_ACT_DENY);
  EXPECT_EQ(action(PAL_EVENT_CHMOD), PAL_ACT_KILL);
  EXPECT_EQ(action(PAL_EVENT_CHOWN), PAL_ACT_AUDIT);
  EXPECT_EQ(action(PAL_EVENT_EXEC), PAL_ACT_NONE);
  EXPECT_EQ(action(PAL_EVENT_OPEN), PAL_ACT_NONE);
  // The path entry is found whatever the event; its candidates of other
  // events are skipped before their term is evaluated.
  Verdict exec = evaluate(c.image, event_of(PAL_EVENT_EXEC, "/var/log/x"));
  EXPECT_NE(exec.path_entry, 0u);
  EXPECT_EQ(exec.considered, 0u);
}

TEST(EvaluateEvents, FailsClosedWithTheRuleOfTheEvent) {
  auto c = compile_text(R"(
  policy "p" mode enforce {
    deny exec when path == "/never"
    allow open when path == "/ok"
    deny open when path == "/never"
    kill rename when target == "/never"
    audit unlink
  }
  policy "q" mode audit { deny open when path == "/never" })");
  Event open = open_of("/ok", R);
  open.path_unresolved = true;
  Verdict v = evaluate(c.image, open);
  EXPECT_EQ(v.action, PAL_ACT_DENY);
  EXPECT_EQ(v.rule_id, 2u); // the open rule, not the exec one
  EXPECT_EQ(v.would, PAL_ACT_DENY);
  EXPECT_EQ(v.would_rule_id, 5u);
  EXPECT_TRUE(v.fail_closed);
  EXPECT_EQ(v.access_entry, 0u); // no lookups

  // A rename whose new name is unresolved fails closed too.
  Event rename = rename_of("/a", "/b");
  rename.target_unresolved = true;
  v = evaluate(c.image, rename);
  EXPECT_EQ(v.action, PAL_ACT_KILL);
  EXPECT_EQ(v.rule_id, 3u);
  EXPECT_TRUE(v.fail_closed);
  EXPECT_EQ(v.path_entry, 0u);

  // An event with only an audit rule: nothing to fail closed with.
  Event unlink = event_of(PAL_EVENT_UNLINK, "/a");
  unlink.path_unresolved = true;
  v = evaluate(c.image, unlink);
  EXPECT_EQ(v.action, PAL_ACT_NONE);
  EXPECT_FALSE(v.fail_closed);
  // chmod has no rule at all.
  Event chmod = event_of(PAL_EVENT_CHMOD, "/a");
  chmod.path_unresolved = true;
  EXPECT_EQ(evaluate(c.image, chmod), Verdict{});
}

// Four candidate lists at once: the path's, the binary's, the target's and
// the always list, merged in rule order, the first rule of each policy
// deciding.
TEST(EvaluateRename, ListsMergeInRuleOrder) {
  auto c = compile_text(R"(
  policy "a" mode enforce {
    allow rename when binary == "/usr/bin/mv"
    deny rename when target under "/etc"
  }
  policy "b" mode enforce {
    audit rename when path under "/tmp"
    deny rename when binary != "/usr/bin/cp"
    kill rename when target == "/etc/x"
  })");
  Verdict v = evaluate(c.image, rename_of("/tmp/x", "/etc/x"));
  // a: the allow (binary list) decides first; b: kill (target list) comes
  // before deny (always list) and audit (path list) in slot order.
  EXPECT_EQ(v.action, PAL_ACT_KILL);
  EXPECT_EQ(v.policy, 1u);
  EXPECT_EQ(v.rule_id, 4u);
  EXPECT_EQ(v.considered, 2u);
}

// A rule with one term in the always list and one in the path entry's:
// both lists' heads are the same rule. match.h takes the lower list first
// (list 0 is the always list, list f field f's), so the always term is
// evaluated, fails, and the path term decides: two terms considered.
TEST(EvaluateEvents, OnATieTheAlwaysListGoesFirst) {
  auto c = compile_text(R"(policy "p" mode enforce {
    deny exec when path == "/a" or binary != "/b"
  })");
  Event ev = event_of(PAL_EVENT_EXEC, "/a");
  ev.binary = "/b";
  Verdict v = evaluate(c.image, ev);
  EXPECT_EQ(v.action, PAL_ACT_DENY);
  EXPECT_EQ(v.considered, 2u);
  ev.binary = "/c"; // the always term holds: the path term is not needed
  EXPECT_EQ(evaluate(c.image, ev).considered, 1u);
}

} // namespace
} // namespace palisade::engine
