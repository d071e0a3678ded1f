// The indexed decision against the meaning of the rules, on random policies
// and events. The oracle here knows nothing of the index: it evaluates each
// rule's resolved condition tree on the event's path strings, port,
// address bytes, protocol, family, uid, gid, euid and pid (ranges and CIDRs
// read from their canonical text, not from value keys) and walks the rules in
// the order of docs/abi.md "The decision the kernel makes", over every event
// kind (an access comparison holds when the open has any of its intents; a
// rename's new name is the target field). The reference evaluator reads the
// compiled image (entries, candidates, terms), and the host tier checks that
// the kernel agrees with it; so this test is what ties the kernel's verdicts to
// the language's meaning.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include <arpa/inet.h>

#include <palisade/abi.h>

#include "lower/lower.h"
#include "palisade/dsl/parser.h"
#include "palisade/engine/evaluate.h"
#include "passes.h"
#include "random_policy.h"
#include "resolve/glob.h"

namespace palisade::engine {
namespace {

// ---- the oracle -------------------------------------------------------

bool starts_with(const std::string &s, const std::string &prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

// One comparison of one path field; `value` is nullopt when the field is
// unknown (no comparison of it holds, so its negation does).
bool compare(const Match &m, const std::optional<std::string> &value,
             bool truncated) {
  bool any = false;
  if (value)
    for (const auto &v : m.values) {
      if (m.kind == MatchKind::Exact)
        any = any || (!truncated && *value == v); // a head is not the path
      else if (m.kind == MatchKind::Prefix)
        any = any || starts_with(*value, v);
      else if (m.kind == MatchKind::Suffix) // a head has no known end
        any = any || (!truncated && value->ends_with(v));
      else if (m.kind == MatchKind::Glob)
        any = any || (!truncated && glob_match(v, *value));
      else
        any = any || starts_with(*value, v == "/" ? "/" : v + "/");
    }
  return any != m.negated;
}

// access: holds when the open has any of the named intents.
bool compare_access(const Match &m, uint32_t access) {
  static const std::map<std::string, uint32_t> bits = {
      {"read", PAL_ACCESS_READ},
      {"write", PAL_ACCESS_WRITE},
      {"create", PAL_ACCESS_CREATE},
      {"truncate", PAL_ACCESS_TRUNCATE}};
  bool any = false;
  for (const auto &v : m.values)
    any = any || (access & bits.at(v)) != 0;
  return any != m.negated;
}

// port: "22" or "6000-6063", both ends included.
// port, uid, gid, euid, pid: numbers "22" and ranges "6000-6063".
bool compare_number(const Match &m, uint32_t port) {
  bool any = false;
  for (const auto &v : m.values) {
    auto dash = v.find('-');
    unsigned long long lo = std::stoull(v.substr(0, dash));
    unsigned long long hi =
        dash == std::string::npos ? lo : std::stoull(v.substr(dash + 1));
    any = any || (port >= lo && port <= hi);
  }
  return any != m.negated;
}

// address: "10.0.0.0/8" or "fd00::/8"; an IPv4 network holds for an
// event address ::ffff:a.b.c.d (the kernel's form of IPv4, also an IPv6
// socket's mapped address) whose a.b.c.d is inside it.
bool compare_address(const Match &m, const std::array<uint8_t, 16> &addr) {
  static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  const bool is_v4 = std::equal(mapped, mapped + 12, addr.begin());
  bool any = false;
  for (const auto &v : m.values) {
    auto slash = v.find('/');
    std::string net = v.substr(0, slash);
    int bits = std::stoi(v.substr(slash + 1));
    uint8_t want[16] = {};
    const uint8_t *have = addr.data();
    if (net.find(':') == std::string::npos) {
      if (!is_v4)
        continue;
      inet_pton(AF_INET, net.c_str(), want);
      have = addr.data() + 12;
    } else {
      inet_pton(AF_INET6, net.c_str(), want);
    }
    bool in = true;
    for (int b = 0; b < bits; ++b)
      in = in && ((want[b / 8] ^ have[b / 8]) & (0x80 >> (b % 8))) == 0;
    any = any || in;
  }
  return any != m.negated;
}

// protocol, family: a name per value.
bool compare_name(const Match &m, const std::string &name) {
  bool any =
      std::find(m.values.begin(), m.values.end(), name) != m.values.end();
  return any != m.negated;
}

bool holds(const Cond &c, const Event &ev) {
  switch (c.kind) {
  case Cond::Kind::True:
    return true;
  case Cond::Kind::False:
    return false;
  case Cond::Kind::Match:
    switch (c.match.field) {
    case PAL_FIELD_PATH:
      return compare(c.match, ev.path, ev.path_truncated);
    case PAL_FIELD_BINARY:
      return compare(c.match,
                     ev.binary_known ? std::optional(ev.binary) : std::nullopt,
                     false);
    case PAL_FIELD_TARGET: // only rename rules name it
      return compare(c.match, ev.target, ev.target_truncated);
    case PAL_FIELD_ACCESS: // only open rules name it
      return compare_access(c.match, ev.access);
    case PAL_FIELD_CGROUP:
      return compare(c.match,
                     ev.cgroup_known ? std::optional(ev.cgroup) : std::nullopt,
                     ev.cgroup_truncated);
    case PAL_FIELD_PARENT_BINARY:
      return compare(c.match,
                     ev.parent_binary_known ? std::optional(ev.parent_binary)
                                            : std::nullopt,
                     false);
    case PAL_FIELD_PORT: // only network rules name these
      return compare_number(c.match, ev.port);
    case PAL_FIELD_ADDRESS:
      return compare_address(c.match, ev.address);
    case PAL_FIELD_PROTOCOL:
      return compare_name(c.match, ev.protocol == 6    ? "tcp"
                                   : ev.protocol == 17 ? "udp"
                                                       : "");
    case PAL_FIELD_FAMILY:
      return compare_name(c.match, ev.family == 4   ? "ipv4"
                                   : ev.family == 6 ? "ipv6"
                                                    : "");
    case PAL_FIELD_UID: // every event has these
      return compare_number(c.match, ev.uid);
    case PAL_FIELD_GID:
      return compare_number(c.match, ev.gid);
    case PAL_FIELD_EUID:
      return compare_number(c.match, ev.euid);
    case PAL_FIELD_PID:
      return compare_number(c.match, ev.pid);
    }
    ADD_FAILURE() << "a field the oracle does not know";
    return false;
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
  // A path the event needs could not be resolved: the file, or for a
  // rename also the new name. A network event has no file.
  const bool net = ev.kind >= PAL_EVENT_CONNECT;
  const bool unresolved =
      !net && (ev.path_unresolved ||
               (ev.kind == PAL_EVENT_RENAME && ev.target_unresolved));
  Verdict v;
  std::set<uint32_t> decided;
  for (const ResolvedRule *rule : order) {
    if (rule->event != ev.kind || decided.count(rule->policy_index))
      continue;
    uint32_t action = abi_action(rule->action);
    // Fail closed: every deny/kill rule of the event holds, and no other.
    bool h = unresolved ? action >= PAL_ACT_DENY : holds(rule->condition, ev);
    if (!h)
      continue;
    decided.insert(rule->policy_index);
    if (action == PAL_ACT_ALLOW)
      continue;
    bool audit =
        r.policies.at(rule->policy_index).info.mode == dsl::Mode::Audit;
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
  v.fail_closed = unresolved && v.action >= PAL_ACT_DENY;
  return v;
}

using test_support::event_text;
using test_support::Random;
using test_support::random_event;
using test_support::random_policy_text;
using test_support::verdict_text;

TEST(Oracle, IndexedDecisionsMeanWhatTheRulesSay) {
  Random r(20261201);
  int compiled = 0, events = 0, decided = 0;
  std::map<uint32_t, int> decided_by_kind;
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
      bool d = want.action != 0 || want.would != 0;
      decided += d;
      decided_by_kind[ev.kind] += d;
      ASSERT_EQ(verdict_text(got), verdict_text(want))
          << event_text(ev) << "\npolicy:\n"
          << text;
    }
  }
  EXPECT_GT(decided, events / 4);
  // Every kind of event is decided now and then, not only exec.
  for (uint32_t kind : test_support::kEventKinds)
    EXPECT_GT(decided_by_kind[kind], events / 100) << "event kind " << kind;
}

} // namespace
} // namespace palisade::engine
