// The indexed decision against the meaning of the rules, on random policies
// and events. The oracle here knows nothing of the index: it evaluates each
// rule's resolved condition tree on the event's path strings and walks the
// rules in the order of docs/abi.md "The decision the kernel makes". The
// reference evaluator reads the compiled image (entries, candidates,
// terms), and the host tier checks that the kernel agrees with it; so this
// test is what ties the kernel's verdicts to the language's meaning.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <sstream>

#include <palisade/abi.h>

#include "lower.h"
#include "palisade/dsl/parser.h"
#include "palisade/engine/evaluate.h"
#include "passes.h"

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

bool holds(const Cond &c, const ExecEvent &ev) {
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

Verdict oracle(const Resolved &r, const ExecEvent &ev) {
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

// ---- random policies and events ----------------------------------------

class Random {
public:
  explicit Random(uint32_t seed) : gen_(seed) {}
  size_t below(size_t n) {
    return std::uniform_int_distribution<size_t>(0, n - 1)(gen_);
  }
  bool chance(int percent) { return below(100) < size_t(percent); }
  template <class T> const T &pick(const std::vector<T> &v) {
    return v[below(v.size())];
  }

private:
  std::mt19937 gen_;
};

const std::vector<std::string> kDirs = {"/",    "/a",       "/a/b", "/a/b/c",
                                        "/ab",  "/usr/bin", "/tmp", "/srv/d1",
                                        "/srv/d1/x", "/srv/d2"};
const std::vector<std::string> kFiles = {
    "/a",        "/a/x",        "/a/b",       "/a/b/x",      "/a/b/c/x",
    "/ab",       "/ab/x",       "/abc",       "/usr/bin/nc", "/usr/bin/bash",
    "/tmp/t",    "/tmp/t/u/v",  "/x",         "/srv/d1/f",   "/srv/d1/x/f",
    "/srv/d2/f", "/srv/d1",     "/srv/d10/f", "/"};

std::string quoted(const std::string &s) { return "\"" + s + "\""; }

std::string many_files(Random &r, size_t n) {
  std::string out = "[";
  for (size_t i = 0; i < n; i++)
    out += (i ? ", " : "") +
           quoted(r.chance(70) ? r.pick(kFiles)
                               : "/srv/d" + std::to_string(r.below(3)) +
                                     "/g" + std::to_string(r.below(40)));
  return out + "]";
}

std::string comparison(Random &r) {
  std::string field = r.chance(70) ? "path" : "binary";
  switch (r.below(6)) {
  case 0: return field + " == " + quoted(r.pick(kFiles));
  case 1: return field + " != " + quoted(r.pick(kFiles));
  case 2: return field + " in " + many_files(r, r.chance(10) ? 60 : r.below(3) + 1);
  case 3: return field + " not in " + many_files(r, r.below(3) + 1);
  default: return field + " under " + quoted(r.pick(kDirs));
  }
}

std::string condition(Random &r, int depth) {
  if (depth == 0 || r.chance(40))
    return comparison(r);
  switch (r.below(3)) {
  case 0: return "(" + condition(r, depth - 1) + " and " + condition(r, depth - 1) + ")";
  case 1: return "(" + condition(r, depth - 1) + " or " + condition(r, depth - 1) + ")";
  default: return "not " + condition(r, depth - 1);
  }
}

std::string policy_text(Random &r, size_t max_rules) {
  static const std::vector<std::string> actions = {"allow", "audit", "deny",
                                                   "kill"};
  std::ostringstream text;
  size_t policies = r.below(5) + 1;
  for (size_t p = 0; p < policies; p++) {
    text << "policy \"p" << p << "\" mode "
         << (r.chance(60) ? "enforce" : "audit") << " {\n";
    size_t rules = r.below(max_rules) + 1;
    for (size_t i = 0; i < rules; i++) {
      text << "  " << r.pick(actions) << " exec";
      if (r.chance(93))
        text << " when " << condition(r, 3);
      text << "\n";
    }
    text << "}\n";
  }
  return text.str();
}

ExecEvent event(Random &r) {
  ExecEvent ev;
  ev.path = r.chance(80) ? r.pick(kFiles)
                         : "/srv/d" + std::to_string(r.below(3)) + "/g" +
                               std::to_string(r.below(40));
  if (r.chance(15))
    ev.path += "/deeper";
  ev.binary = r.chance(80) ? r.pick(kFiles) : "/srv/d1/g" + std::to_string(r.below(40));
  ev.binary_known = !r.chance(10);
  if (!ev.binary_known)
    ev.binary.clear();
  ev.path_truncated = r.chance(10);
  ev.path_unresolved = r.chance(5);
  return ev;
}

std::string verdict_text(const Verdict &v) {
  std::ostringstream s;
  s << "action=" << v.action << " policy=" << v.policy << " rule=" << v.rule_id
    << " would=" << v.would << " would_policy=" << v.would_policy
    << " would_rule=" << v.would_rule_id << " fail_closed=" << v.fail_closed;
  return s.str();
}

TEST(Oracle, IndexedDecisionsMeanWhatTheRulesSay) {
  Random r(20261201);
  int compiled = 0, events = 0, decided = 0;
  for (int round = 0; compiled < 400; round++) {
    ASSERT_LT(round, 4000) << "the generator rarely fits the limits";
    std::string text = policy_text(r, compiled % 4 == 3 ? 60 : 8);
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
    ExecEvaluator evaluate(c->image);
    for (int i = 0; i < 60; i++) {
      ExecEvent ev = event(r);
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
