// `explain` on file events: access atoms read back from the mask entries,
// the event line of each kind, failing closed on a rename's new name, and
// agreement with the evaluator on random policies and events of every kind.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <palisade/abi.h>

#include "compile_text.h"
#include "image/atom_meaning.h"
#include "palisade/dsl/parser.h"
#include "palisade/engine/explain.h"
#include "random_policy.h"
#include "test_events.h"

namespace palisade::engine {
namespace {

using test::compile_text;

const char kFiles[] = R"(
policy "files" mode enforce {
  deny exec when path under "/etc"
  deny open when path == "/etc/shadow" and access in ["write", "truncate"] "shadow is read-only"
  allow open when binary == "/usr/sbin/vipw"
  kill rename when target under "/usr/bin"
}
)";

using test::open_of;

TEST(AtomMeaning, AccessIntentsFromTheOneIntentMasks) {
  auto c = compile_text(R"(policy "p" mode enforce {
    deny open when access in ["write", "read"] or access == "create"
  })");
  auto m = atom_meanings(c.image);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(atom_text(m[0], false), R"(access in ["read", "write"])");
  EXPECT_EQ(atom_text(m[0], true), R"(access not in ["read", "write"])");
  EXPECT_EQ(atom_text(m[1], false), R"(access == "create")");
}

TEST(ExplainFile, OpenShowsIntentsAndOnlyOpenRules) {
  auto c = compile_text(kFiles, "f.rules");
  Explanation e = explain_event(
      c, open_of("/etc/shadow", PAL_ACCESS_READ | PAL_ACCESS_WRITE));
  EXPECT_EQ(e.verdict.action, PAL_ACT_DENY);
  EXPECT_EQ(e.verdict.rule_id, 1u);
  std::vector<std::string> atoms;
  for (const auto &a : e.atoms)
    atoms.push_back(a.text);
  // The exec rule's atom holds as well: atoms are facts of the values.
  EXPECT_EQ(atoms, (std::vector<std::string>{
                       R"(path under "/etc")", R"(path == "/etc/shadow")",
                       R"(access in ["truncate", "write"])"}));
  const PolicyExplanation &p = e.policies.at(0);
  ASSERT_TRUE(p.decided_by);
  ASSERT_EQ(p.not_held.size(), 1u); // the allow; no exec or rename rule
  EXPECT_EQ(p.not_held[0].action, PAL_ACT_ALLOW);
  std::string text = explanation_text(e);
  EXPECT_EQ(text.substr(0, text.find('\n')),
            "verdict: deny (blocked) by policy \"files\" rule at f.rules:4:3 "
            "\"shadow is read-only\"");
  EXPECT_NE(text.find("\nevent: open of \"/etc/shadow\" for read, write by "
                      "\"/usr/bin/cat\"\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("    yes  access in [\"truncate\", \"write\"]\n"),
            std::string::npos)
      << text;

  e = explain_event(c, open_of("/etc/shadow", 0));
  text = explanation_text(e);
  EXPECT_NE(text.find("event: open of \"/etc/shadow\" with no access intent"),
            std::string::npos)
      << text;
}

TEST(ExplainFile, RenameFailsClosedOnItsNewName) {
  auto c = compile_text(kFiles, "f.rules");
  Event ev;
  ev.kind = PAL_EVENT_RENAME;
  ev.path = "/tmp/x";
  ev.target_unresolved = true;
  ev.binary = "/usr/bin/mv";
  Explanation e = explain_event(c, ev);
  EXPECT_TRUE(e.verdict.fail_closed);
  std::string text = explanation_text(e);
  EXPECT_EQ(text.substr(0, text.find('\n')),
            "verdict: kill (blocked, fail closed: the new name (target) could "
            "not be resolved) by policy \"files\" rule at f.rules:6:3");
  EXPECT_NE(text.find("\nevent: rename of \"/tmp/x\" to a path that could not "
                      "be resolved by \"/usr/bin/mv\"\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  holds: the new name (target) could not be resolved, "
                      "so every deny and kill rule holds (fail closed)\n"),
            std::string::npos)
      << text;
}

TEST(ExplainFile, JsonNamesTheEventAndItsFields) {
  auto c = compile_text(kFiles);
  auto j = nlohmann::json::parse(explanation_json(
      explain_event(c, open_of("/etc/shadow", PAL_ACCESS_WRITE))));
  EXPECT_EQ(j["event"], nlohmann::json::parse(R"({"event":"open",
      "path":"/etc/shadow","binary":"/usr/bin/cat","access":["write"],
      "path_truncated":false,"path_unresolved":false,
      "uid":0,"gid":0,"euid":0,"pid":0})"));
  Event ev;
  ev.kind = PAL_EVENT_RENAME;
  ev.path = "/a";
  ev.target = "/usr/bin/b";
  ev.binary_known = false;
  j = nlohmann::json::parse(explanation_json(explain_event(c, ev)));
  EXPECT_EQ(j["action"], "kill");
  EXPECT_EQ(j["event"]["event"], "rename");
  EXPECT_EQ(j["event"]["target"], "/usr/bin/b");
  EXPECT_EQ(j["event"]["target_unresolved"], false);
  EXPECT_TRUE(j["event"]["binary"].is_null());
  EXPECT_FALSE(j["event"].contains("access"));
}

// Each policy's deciding rule, walked by explain over the whole rule list,
// gives the evaluator's verdict, for every kind of event.
TEST(ExplainFile, AgreesWithTheEvaluatorOnRandomEvents) {
  test_support::Random r(4242);
  int compared = 0;
  while (compared < 3000) {
    std::string text = test_support::random_policy_text(r, 8);
    dsl::Diagnostics diags;
    auto file = dsl::parse_rules("r.rules", text, diags);
    ASSERT_TRUE(file) << diags.render();
    std::vector<dsl::PolicyFile> files;
    files.push_back(std::move(*file));
    auto c = compile(files, TargetCaps{}, 0, diags);
    if (!c)
      continue;
    for (int i = 0; i < 30; ++i, ++compared) {
      Event ev = test_support::random_event(r);
      Explanation e = explain_event(*c, ev);
      uint32_t action = 0, would = 0;
      for (const auto &p : e.policies) {
        if (!p.decided_by || p.decided_by->action == PAL_ACT_ALLOW)
          continue;
        uint32_t &strongest = p.mode == PAL_MODE_AUDIT ? would : action;
        strongest = std::max(strongest, p.decided_by->action);
      }
      ASSERT_EQ(action, e.verdict.action)
          << test_support::event_text(ev) << "\n"
          << text;
      ASSERT_EQ(would, e.verdict.would) << test_support::event_text(ev) << "\n"
                                        << text;
    }
  }
}

} // namespace
} // namespace palisade::engine
