// explanation_text(): the explanation as `enforcectl explain` prints it.
#include <palisade/abi.h>

#include "image/atom_meaning.h"
#include "image/image_decode.h"
#include "palisade/engine/explain.h"
#include "resolve/access.h"

namespace palisade::engine {
namespace {

const PolicyExplanation *policy_at(const Explanation &e, uint32_t index) {
  for (const auto &p : e.policies)
    if (p.index == index)
      return &p;
  return nullptr;
}

std::string policy_name(const Explanation &e, uint32_t index) {
  const PolicyExplanation *p = policy_at(e, index);
  return p ? quoted(p->name) : "#" + std::to_string(index);
}

// ` rule at f:1:3 [label] "message"` for the rule that decided policy
// `index`.
std::string rule_ref(const Explanation &e, uint32_t index) {
  const PolicyExplanation *p = policy_at(e, index);
  if (!p || !p->decided_by)
    return "";
  const RuleExplanation &r = *p->decided_by;
  std::string s = " rule at " + r.location();
  if (!r.label.empty())
    s += " [" + r.label + "]";
  if (!r.message.empty())
    s += " " + quoted(r.message);
  return s;
}

std::string path_words(const std::string &path, bool truncated,
                       bool unresolved) {
  if (unresolved)
    return "a path that could not be resolved";
  return quoted(path) + (truncated ? " (truncated head)" : "");
}

// "the path" or "the new name": what made the decision fail closed.
std::string unresolved_what(const Event &ev) {
  return ev.path_unresolved ? "the path" : "the new name (target)";
}

// "child of "/usr/sbin/nginx"" and "in cgroup "/system.slice/x.service""
// when the event names them.
std::string process_words(const Event &ev) {
  std::string s =
      ev.parent_binary_known ? " child of " + quoted(ev.parent_binary) : "";
  s += ev.cgroup_known ? " in cgroup " + quoted(ev.cgroup) : "";
  // The acting task's identity, when the event gives any (0 is root's).
  if (ev.uid || ev.gid || ev.euid || ev.pid)
    s += " as uid " + std::to_string(ev.uid) + " gid " +
         std::to_string(ev.gid) + " euid " + std::to_string(ev.euid) + " pid " +
         std::to_string(ev.pid);
  return s;
}

std::string event_line(const Event &ev) {
  if (ev.kind >= PAL_EVENT_CONNECT && ev.kind <= PAL_EVENT_LISTEN) {
    // "connect to 10.1.2.3 port 443 (tcp, ipv4) by "/usr/bin/curl""
    const char *to = ev.kind == PAL_EVENT_CONNECT ? " to " : " on ";
    std::string proto = ev.protocol == 6    ? "tcp"
                        : ev.protocol == 17 ? "udp"
                                            : std::to_string(ev.protocol);
    std::string s = "event: " + event_name(ev.kind) + to + address_text(ev) +
                    " port " + std::to_string(ev.port) + " (" + proto +
                    ", ipv" + std::to_string(ev.family) + ")";
    s += ev.binary_known ? " by " + quoted(ev.binary) : " by an unknown binary";
    return s + process_words(ev) + "\n";
  }
  std::string s = "event: " + event_name(ev.kind) + " of " +
                  path_words(ev.path, ev.path_truncated, ev.path_unresolved);
  if (ev.kind == PAL_EVENT_RENAME)
    s += " to " +
         path_words(ev.target, ev.target_truncated, ev.target_unresolved);
  if (ev.kind == PAL_EVENT_OPEN) {
    auto names = access_names(ev.access);
    std::string list;
    for (const auto &n : names)
      list += (list.empty() ? "" : ", ") + n;
    s += names.empty() ? " with no access intent" : " for " + list;
  }
  s += ev.binary_known ? " by " + quoted(ev.binary) : " by an unknown binary";
  return s + process_words(ev) + "\n";
}

std::string verdict_line(const Explanation &e) {
  const Verdict &v = e.verdict;
  if (v.action > PAL_ACT_ALLOW) {
    std::string effect =
        v.action == PAL_ACT_AUDIT ? "allowed, recorded" : "blocked";
    if (v.fail_closed)
      effect += ", fail closed: " + unresolved_what(e.event) +
                " could not be resolved";
    return "verdict: " + std::string(action_name(v.action)) + " (" + effect +
           ") by policy " + policy_name(e, v.policy) + rule_ref(e, v.policy) +
           "\n";
  }
  // No enforce-mode verdict: say whether an allow exception is the reason.
  bool any_decided = false;
  for (const auto &p : e.policies) {
    if (!p.decided_by)
      continue;
    any_decided = true;
    if (p.mode == PAL_MODE_ENFORCE && p.decided_by->action == PAL_ACT_ALLOW)
      return "verdict: allowed by an exception of policy " + quoted(p.name) +
             rule_ref(e, p.index) + "\n";
  }
  return any_decided ? "verdict: allowed, no enforce-mode rule applies\n"
                     : "verdict: allowed, no rule applies\n";
}

std::string would_line(const Explanation &e) {
  const Verdict &v = e.verdict;
  if (v.would == PAL_ACT_NONE)
    return "";
  return "would: " + std::string(action_name(v.would)) + " by policy " +
         policy_name(e, v.would_policy) + rule_ref(e, v.would_policy) +
         " (audit mode: nothing is blocked)\n";
}

std::string literal_lines(const TermExplanation &t, const std::string &indent) {
  if (t.literals.empty())
    return indent + "yes  (no condition)\n";
  std::string s;
  for (const auto &lit : t.literals)
    s += indent + (lit.holds() ? "yes  " : "no   ") + lit.text + "\n";
  return s;
}

// Why a rule that was tried does or does not hold.
std::string conditions(const RuleExplanation &r, const Event &ev,
                       const std::string &indent) {
  // Fail closed replaces every condition (bpf/lib/match.h).
  if (r.fail_closed)
    return indent + "holds: " + unresolved_what(ev) +
           " could not be resolved, so every deny and kill rule holds (fail "
           "closed)\n";
  if (unresolved(ev))
    return indent + "does not hold: with an unresolved path only deny and "
                    "kill rules hold (fail closed)\n";
  if (r.terms.empty())
    return indent + "never holds: its condition can never be true\n";
  if (const TermExplanation *t = r.deciding_term(); t && r.holds) {
    std::string head = r.terms.size() == 1
                           ? "holds because:"
                           : "holds because (term " +
                                 std::to_string(t - r.terms.data() + 1) +
                                 " of " + std::to_string(r.terms.size()) + "):";
    return indent + head + "\n" + literal_lines(*t, indent + "  ");
  }
  if (r.terms.size() == 1)
    return literal_lines(r.terms[0], indent);
  std::string s;
  for (size_t i = 0; i < r.terms.size(); ++i)
    s += indent + "term " + std::to_string(i + 1) + ":\n" +
         literal_lines(r.terms[i], indent + "  ");
  return s;
}

std::string rule_line(const RuleExplanation &r, const std::string &indent) {
  return indent + r.location() + ": " + r.text + "\n";
}

std::string policy_head(const PolicyExplanation &p) {
  std::string s = "policy " + quoted(p.name) + " (" + mode_name(p.mode) + "): ";
  if (!p.decided_by)
    return s + "no rule holds\n";
  const RuleExplanation &r = *p.decided_by;
  std::string by = " by the rule at " + r.location() +
                   (r.label.empty() ? "" : " [" + r.label + "]") + "\n";
  if (r.action == PAL_ACT_ALLOW)
    return s + "allow (an exception: no action from this policy)" + by;
  if (p.mode == PAL_MODE_AUDIT)
    return s + "would " + action_name(r.action) + by;
  return s + action_name(r.action) + by;
}

std::string policy_section(const PolicyExplanation &p, const Event &ev) {
  std::string s = "\n" + policy_head(p);
  if (p.decided_by) {
    s += "  " + p.decided_by->text + "\n";
    s += conditions(*p.decided_by, ev, "  ");
  }
  if (!p.not_held.empty()) {
    s += p.decided_by ? "  tried first, did not hold:\n" : "  did not hold:\n";
    for (const auto &r : p.not_held)
      s += rule_line(r, "    ") + conditions(r, ev, "      ");
  }
  if (!p.shadowed.empty()) {
    s += "  shadowed (hold too, but come later in the order allow, kill, "
         "deny, audit):\n";
    for (const auto &r : p.shadowed)
      s += rule_line(r, "    ");
  }
  return s;
}

} // namespace

std::string explanation_text(const Explanation &e) {
  std::string s = verdict_line(e) + would_line(e) + event_line(e.event);
  s += "atoms that hold:";
  if (e.atoms.empty())
    s += " none";
  for (size_t i = 0; i < e.atoms.size(); ++i)
    s += (i ? "; " : " ") + e.atoms[i].text;
  s += "\n";
  if (e.policies.empty())
    s += "\n(no policies)\n";
  for (const auto &p : e.policies)
    s += policy_section(p, e.event);
  return s;
}

} // namespace palisade::engine
