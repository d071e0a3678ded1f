// `explain`: atom meanings recovered from the image, the per-policy story,
// its agreement with the evaluator, the text and JSON forms, event parsing.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <palisade/abi.h>

#include "compile_text.h"
#include "image/atom_meaning.h"
#include "palisade/engine/explain.h"

namespace palisade::engine {
namespace {

using test::compile_text;

const char kQuickstart[] = R"(let tools = ["/usr/bin/nc", "/usr/bin/socat"]
policy "base" mode enforce {
  deny exec when path in tools "no raw network tools"
  kill exec when path under "/dev/shm"
}
policy "rollout" mode audit {
  deny exec when path under "/tmp" and not binary in ["/usr/bin/make", "/usr/bin/dpkg"]
}
)";

Event exec(std::string path, std::string binary = "/usr/bin/bash") {
  Event ev;
  ev.path = std::move(path);
  ev.binary = std::move(binary);
  return ev;
}

TEST(AtomMeaning, RecoveredFromClosedEntries) {
  auto c = compile_text(R"(
  policy "baseline" mode enforce {
    deny  exec when path in ["/usr/bin/nc", "/tmp/nc"]
    kill  exec when path under "/tmp" and binary != "/usr/bin/make"
    allow exec when path under "/tmp/build"
  }
  policy "trial" mode audit { deny exec when path under "/" })");
  auto m = atom_meanings(c.image);
  ASSERT_EQ(m.size(), 5u);
  EXPECT_EQ(atom_text(m[0], false), R"(path in ["/tmp/nc", "/usr/bin/nc"])");
  EXPECT_EQ(atom_text(m[0], true), R"(path not in ["/tmp/nc", "/usr/bin/nc"])");
  EXPECT_EQ(atom_text(m[1], false), R"(path under "/tmp")");
  EXPECT_EQ(atom_text(m[1], true), R"(not path under "/tmp")");
  EXPECT_EQ(atom_text(m[2], true), R"(binary != "/usr/bin/make")");
  EXPECT_EQ(atom_text(m[3], false), R"(path under "/tmp/build")");
  EXPECT_EQ(atom_text(m[4], false), R"(path under "/")");
}

TEST(AtomMeaning, ExactRootAndQuoting) {
  auto c = compile_text(R"(policy "p" mode enforce {
    deny exec when path == "/" or path under "/" or path == "/a \"q\"\x01"
  })");
  auto m = atom_meanings(c.image);
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(atom_text(m[0], false), R"(path == "/")");
  EXPECT_EQ(atom_text(m[1], false), R"(path under "/")");
  EXPECT_EQ(atom_text(m[2], false), R"(path == "/a \"q\"\x01")");
}

TEST(Explain, AuditOnlyVerdict) {
  auto c = compile_text(kQuickstart, "qs.rules");
  Explanation e = explain_event(c, exec("/tmp/demo"));
  EXPECT_EQ(e.verdict.action, PAL_ACT_NONE);
  EXPECT_EQ(e.verdict.would, PAL_ACT_DENY);
  ASSERT_EQ(e.atoms.size(), 1u);
  EXPECT_EQ(e.atoms[0].text, R"(path under "/tmp")");
  ASSERT_EQ(e.policies.size(), 2u);

  const PolicyExplanation &base = e.policies[0];
  EXPECT_EQ(base.name, "base");
  EXPECT_FALSE(base.decided_by);
  ASSERT_EQ(base.not_held.size(), 2u);
  EXPECT_EQ(base.not_held[0].action, PAL_ACT_KILL); // tried first
  EXPECT_EQ(base.not_held[1].location(), "qs.rules:3:3");

  const PolicyExplanation &rollout = e.policies[1];
  EXPECT_EQ(rollout.mode, PAL_MODE_AUDIT);
  ASSERT_TRUE(rollout.decided_by);
  const TermExplanation *t = rollout.decided_by->deciding_term();
  ASSERT_TRUE(t);
  ASSERT_EQ(t->literals.size(), 2u);
  EXPECT_EQ(t->literals[0].text, R"(path under "/tmp")");
  EXPECT_TRUE(t->literals[0].atom_held);
  EXPECT_EQ(t->literals[1].text,
            R"(binary not in ["/usr/bin/dpkg", "/usr/bin/make"])");
  EXPECT_FALSE(t->literals[1].atom_held);
  EXPECT_TRUE(t->literals[1].holds());

  std::string text = explanation_text(e);
  EXPECT_EQ(text.substr(0, text.find('\n')),
            "verdict: allowed, no enforce-mode rule applies");
  EXPECT_NE(text.find("would: deny by policy \"rollout\" rule at qs.rules:7:3"),
            std::string::npos)
      << text;
}

TEST(Explain, BlockedVerdictLine) {
  auto c = compile_text(kQuickstart, "base.rules");
  Explanation e = explain_event(c, exec("/usr/bin/nc"));
  std::string text = explanation_text(e);
  EXPECT_EQ(text.substr(0, text.find('\n')),
            "verdict: deny (blocked) by policy \"base\" rule at base.rules:3:3 "
            "\"no raw network tools\"");
  EXPECT_EQ(text.find("would:"), std::string::npos);
  EXPECT_NE(text.find("    yes  path in [\"/usr/bin/nc\", \"/usr/bin/socat\"]"),
            std::string::npos)
      << text;
}

TEST(Explain, NothingApplies) {
  auto c = compile_text(kQuickstart);
  std::string text = explanation_text(explain_event(c, exec("/bin/ls")));
  EXPECT_EQ(text.substr(0, text.find('\n')),
            "verdict: allowed, no rule applies");
}

TEST(Explain, ShadowedByPrecedence) {
  auto c = compile_text(R"(policy "p" mode enforce {
    audit exec when path under "/x"
    deny exec when path under "/x"
    kill exec when path under "/x/k"
    allow exec when path == "/x/k/ok"
  })");
  Explanation e = explain_event(c, exec("/x/k/a"));
  const PolicyExplanation &p = e.policies.at(0);
  ASSERT_TRUE(p.decided_by);
  EXPECT_EQ(p.decided_by->rule_id, 2u);
  ASSERT_EQ(p.not_held.size(), 1u); // the allow exception, tried first
  EXPECT_EQ(p.not_held[0].action, PAL_ACT_ALLOW);
  ASSERT_EQ(p.shadowed.size(), 2u);
  EXPECT_EQ(p.shadowed[0].rule_id, 1u); // deny before audit
  EXPECT_EQ(p.shadowed[1].rule_id, 0u);
  EXPECT_NE(explanation_text(e).find("shadowed"), std::string::npos);

  Explanation ok = explain_event(c, exec("/x/k/ok"));
  EXPECT_EQ(ok.policies[0].decided_by->action, PAL_ACT_ALLOW);
  EXPECT_EQ(ok.policies[0].shadowed.size(), 3u);
  std::string text = explanation_text(ok);
  EXPECT_EQ(text.substr(0, text.find('\n')),
            "verdict: allowed by an exception of policy \"p\" rule at "
            "t.rules:5:5");
}

TEST(Explain, FailClosed) {
  auto c = compile_text(kQuickstart);
  Event ev;
  ev.path_unresolved = true;
  ev.binary_known = false;
  Explanation e = explain_event(c, ev);
  EXPECT_TRUE(e.verdict.fail_closed);
  ASSERT_TRUE(e.policies[0].decided_by);
  EXPECT_TRUE(e.policies[0].decided_by->fail_closed);
  EXPECT_EQ(e.policies[0].decided_by->action, PAL_ACT_KILL);
  EXPECT_NE(explanation_text(e).find("fail closed"), std::string::npos);
}

// Whatever the event, each policy's deciding rule is the one the evaluator
// used for the verdict.
TEST(Explain, AgreesWithTheEvaluator) {
  auto c = compile_text(std::string(kQuickstart) + R"(
  policy "more" mode enforce {
    allow exec when path == "/tmp/x" or binary == "/usr/bin/make"
    kill exec when path under "/tmp" and not path under "/tmp/ok"
  })");
  for (const char *path : {"/tmp/x", "/tmp/ok/y", "/tmp/z", "/usr/bin/nc",
                           "/dev/shm/a", "/bin/ls"})
    for (const char *binary : {"/usr/bin/bash", "/usr/bin/make"}) {
      Explanation e = explain_event(c, exec(path, binary));
      uint32_t action = 0, would = 0;
      for (const auto &p : e.policies) {
        if (!p.decided_by || p.decided_by->action == PAL_ACT_ALLOW)
          continue;
        uint32_t &slot = p.mode == PAL_MODE_AUDIT ? would : action;
        slot = std::max(slot, p.decided_by->action);
        if (p.mode == PAL_MODE_ENFORCE && p.index == e.verdict.policy &&
            e.verdict.action != 0)
          EXPECT_EQ(p.decided_by->rule_id, e.verdict.rule_id);
      }
      EXPECT_EQ(action, e.verdict.action) << path << " " << binary;
      EXPECT_EQ(would, e.verdict.would) << path << " " << binary;
    }
}

TEST(Explain, Json) {
  auto c = compile_text(kQuickstart, "qs.rules");
  auto j = nlohmann::json::parse(
      explanation_json(explain_event(c, exec("/dev/shm/x"))));
  EXPECT_EQ(j["action"], "kill");
  EXPECT_EQ(j["blocked"], true);
  EXPECT_EQ(j["decision"]["policy_name"], "base");
  EXPECT_EQ(j["decision"]["line"], 4);
  EXPECT_TRUE(j["would"].is_null());
  EXPECT_EQ(j["event"]["binary"], "/usr/bin/bash");
  const auto &lit = j["policies"][0]["decided_by"]["terms"][0]["literals"][0];
  EXPECT_EQ(lit["text"], "path under \"/dev/shm\"");
  EXPECT_EQ(lit["holds"], true);
  EXPECT_TRUE(j["policies"][1]["decided_by"].is_null());
}

TEST(Explain, ShowsWhyAGlobMatched) {
  auto c = compile_text(R"(policy "keys" mode enforce {
  deny exec when path matches "/home/*/bin/**" and not path endswith ".sh"
}
)",
                        "keys.rules");
  Explanation e = explain_event(c, exec("/home/ann/bin/x/tool"));
  EXPECT_EQ(e.verdict.action, PAL_ACT_DENY);
  std::string text = explanation_text(e);
  EXPECT_NE(text.find("    yes  path matches \"/home/*/bin/**\""),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("    yes  not path endswith \".sh\""), std::string::npos)
      << text;
  // The neighbour: the suffix literal is what fails.
  Explanation n = explain_event(c, exec("/home/ann/bin/run.sh"));
  EXPECT_EQ(n.verdict.action, PAL_ACT_NONE);
  std::string ntext = explanation_text(n);
  EXPECT_NE(ntext.find("    no   not path endswith \".sh\""), std::string::npos)
      << ntext;
}

TEST(Explain, LabelsInTextAndJson) {
  auto c = compile_text(R"(policy "base" mode enforce {
  no-nc: deny exec when path == "/usr/bin/nc" "no netcat"
  kill exec when path under "/dev/shm"
}
)",
                        "l.rules");
  const Explanation e = explain_event(c, exec("/usr/bin/nc"));
  const std::string text = explanation_text(e);
  EXPECT_EQ(text.substr(0, text.find('\n')),
            "verdict: deny (blocked) by policy \"base\" rule at l.rules:2:3 "
            "[no-nc] \"no netcat\"");
  EXPECT_NE(text.find("by the rule at l.rules:2:3 [no-nc]\n"),
            std::string::npos)
      << text;
  auto j = nlohmann::json::parse(explanation_json(e));
  EXPECT_EQ(j["decision"]["label"], "no-nc");
  EXPECT_EQ(j["policies"][0]["decided_by"]["label"], "no-nc");
  // An unlabelled rule has no "label" key, as in events.
  auto k = nlohmann::json::parse(
      explanation_json(explain_event(c, exec("/dev/shm/x"))));
  EXPECT_FALSE(k["decision"].contains("label"));
}

} // namespace
} // namespace palisade::engine
