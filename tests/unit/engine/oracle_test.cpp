// The indexed decision against the meaning of the rules, on random policies
// and events. The oracle here knows nothing of the index: it evaluates each
// rule's resolved condition tree on the event's path strings and walks the
// rules in the order of docs/abi.md "The decision the kernel makes". The
// reference evaluator reads the compiled image (entries, candidates,
// terms), and the host tier checks that the kernel agrees with it; so this
// test is what ties the kernel's verdicts to the language's meaning.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include <palisade/abi.h>

#include "lower.h"
#include "palisade/dsl/parser.h"
#include "palisade/engine/evaluate.h"
#include "passes.h"
#include "random_policy.h"

namespace palisade::engine {
namespace {

// ---- the oracle -------------------------------------------------------

bool starts_with(const std::string &s, const std::string &prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

// One comparison of one field value; `value` is nullopt when the field is
// unknown (no comparison of it holds, so its negation does).
bool compare(const Match &m, const std::optional<std::string> &value,
             bool truncated) {
  bool any = false;
  if (value)
    for (const auto &v : m.values) {
      if (m.kind == MatchKind::Exact)
        any = any || (!truncated && *value == v); // a head is not the path
      else
        any = any || starts_with(*value, v == "/" ? "/" : v + "/");
    }
  return any != m.negated;
}

bool holds(const Cond &c, const Event &ev) {
  switch (c.kind) {
  case Cond::Kind::True:
    return true;
  case Cond::Kind::False:
    return false;
  case Cond::Kind::Match:
    if (c.match.field == PAL_FIELD_PATH)
      return compare(c.match, ev.path, ev.path_truncated);
    return compare(c.match,
                   ev.binary_known ? std::optional(ev.binary) : std::nullopt,
                   false);
  case Cond::Kind::Not:
    return !holds(c.children.at(0), ev);
  case Cond::Kind::And:
    return std::all_of(c.children.begin(), c.children.end(),
                       [&](const Cond &x) { return holds(x, ev); });
  case Cond::Kind::Or:
    return std::any_of(c.children.begin(), c.children.end(),
                       [&](const Cond &x) { return holds(x, ev); });
  }
  return false;
}

Verdict oracle(const Resolved &r, const Event &ev) {
  std::vector<const ResolvedRule *> order;
  for (const auto &rule : r.rules)
    order.push_back(&rule);
  std::sort(order.begin(), order.end(), [](auto *a, auto *b) {
    return std::make_tuple(a->policy_index, action_precedence(a->action),
                           a->rule_id) <
           std::make_tuple(b->policy_index, action_precedence(b->action),
                           b->rule_id);
  });
  Verdict v;
  std::set<uint32_t> decided;
  for (const ResolvedRule *rule : order) {
    if (rule->event != PAL_EVENT_EXEC || decided.count(rule->policy_index))
      continue;
    uint32_t action = abi_action(rule->action);
    // Fail closed: every deny/kill rule holds, and no other.
    bool h = ev.path_unresolved ? action >= PAL_ACT_DENY
                                : holds(rule->condition, ev);
    if (!h)
      continue;
    decided.insert(rule->policy_index);
    if (action == PAL_ACT_ALLOW)
      continue;
    bool audit = r.policies.at(rule->policy_index).info.mode == dsl::Mode::Audit;
    if (!audit && action > v.action) {
      v.action = action;
      v.policy = rule->policy_index;
      v.rule_id = rule->rule_id;
    } else if (audit && action > v.would) {
      v.would = action;
      v.would_policy = rule->policy_index;
      v.would_rule_id = rule->rule_id;
    }
  }
  v.fail_closed = ev.path_unresolved && v.action >= PAL_ACT_DENY;
  return v;
}

using test_support::Random;
using test_support::random_event;
using test_support::random_policy_text;
using test_support::verdict_text;

TEST(Oracle, IndexedDecisionsMeanWhatTheRulesSay) {
  Random r(20261201);
  int compiled = 0, events = 0, decided = 0;
  for (int round = 0; compiled < 400; round++) {
    ASSERT_LT(round, 4000) << "the generator rarely fits the limits";
    std::string text = random_policy_text(r, compiled % 4 == 3 ? 60 : 8);
    dsl::Diagnostics diags;
    auto file = dsl::parse_rules("oracle.rules", text, diags);
    ASSERT_TRUE(file) << diags.render() << text;
    std::vector<dsl::PolicyFile> files;
    files.push_back(std::move(*file));
    auto resolved = resolve(files, diags);
    ASSERT_TRUE(resolved) << diags.render();
    auto c = compile(files, TargetCaps{}, compiled % 2, diags);
    if (!c)
      continue; // over a limit: draw another
    compiled++;
    Evaluator evaluate(c->image);
    for (int i = 0; i < 60; i++) {
      Event ev = random_event(r);
      Verdict want = oracle(*resolved, ev);
      Verdict got = evaluate(ev);
      events++;
      decided += want.action != 0 || want.would != 0;
      ASSERT_EQ(verdict_text(got), verdict_text(want))
          << "event path=" << ev.path
          << (ev.path_truncated ? " (truncated)" : "")
          << (ev.path_unresolved ? " (unresolved)" : "")
          << " binary=" << (ev.binary_known ? ev.binary : "<unknown>")
          << "\npolicy:\n"
          << text;
    }
  }
  EXPECT_GT(decided, events / 4);
}

} // namespace
} // namespace palisade::engine
