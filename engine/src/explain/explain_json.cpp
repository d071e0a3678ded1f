// explanation_json(): the explanation for scripts (`explain --json`).
#include <nlohmann/json.hpp>
#include <palisade/abi.h>

#include "image/image_decode.h"
#include "palisade/engine/explain.h"
#include "resolve/access.h"

namespace palisade::engine {
namespace {

using nlohmann::json;

json term_json(const TermExplanation &t) {
  json lits = json::array();
  for (const auto &l : t.literals)
    lits.push_back({{"atom", l.atom},
                    {"negated", l.negated},
                    {"atom_held", l.atom_held},
                    {"holds", l.holds()},
                    {"text", l.text}});
  return {{"holds", t.holds}, {"literals", lits}};
}

json rule_json(const RuleExplanation &r) {
  json terms = json::array();
  for (const auto &t : r.terms)
    terms.push_back(term_json(t));
  json j = {{"index", r.index},
            {"rule_id", r.rule_id},
            {"action", action_name(r.action)},
            {"holds", r.holds},
            {"fail_closed", r.fail_closed},
            {"file", r.file},
            {"line", r.line},
            {"col", r.column},
            {"text", r.text},
            {"message", r.message},
            {"terms", terms}};
  if (!r.label.empty()) // as in events: only a labelled rule has one
    j["label"] = r.label;
  return j;
}

json rules_json(const std::vector<RuleExplanation> &rules) {
  json out = json::array();
  for (const auto &r : rules)
    out.push_back(rule_json(r));
  return out;
}

json policy_json(const PolicyExplanation &p) {
  return {{"index", p.index},
          {"name", p.name},
          {"mode", mode_name(p.mode)},
          {"decided_by", p.decided_by ? rule_json(*p.decided_by) : json()},
          {"not_held", rules_json(p.not_held)},
          {"shadowed", rules_json(p.shadowed)}};
}

// The acting task's identity, on every event.
void add_ids(json &j, const Event &ev) {
  j["uid"] = ev.uid;
  j["gid"] = ev.gid;
  j["euid"] = ev.euid;
  j["pid"] = ev.pid;
}

// The event in the form event_from_json() reads, with every flag.
json event_json(const Event &ev) {
  if (ev.kind >= PAL_EVENT_CONNECT && ev.kind <= PAL_EVENT_LISTEN) {
    json j = {{"event", event_name(ev.kind)},
              {"address", address_text(ev)},
              {"port", ev.port},
              {"protocol", ev.protocol == 17  ? json("udp")
                           : ev.protocol == 6 ? json("tcp")
                                              : json(ev.protocol)},
              {"family", ev.family == 4   ? json("ipv4")
                         : ev.family == 6 ? json("ipv6")
                                          : json(ev.family)},
              {"binary", ev.binary_known ? json(ev.binary) : json()}};
    if (ev.cgroup_known)
      j["cgroup"] = ev.cgroup;
    if (ev.parent_binary_known)
      j["parent_binary"] = ev.parent_binary;
    add_ids(j, ev);
    return j;
  }
  json j = {{"event", event_name(ev.kind)},
            {"path", ev.path},
            {"binary", ev.binary_known ? json(ev.binary) : json()},
            {"path_truncated", ev.path_truncated},
            {"path_unresolved", ev.path_unresolved}};
  if (ev.cgroup_known)
    j["cgroup"] = ev.cgroup;
  if (ev.parent_binary_known)
    j["parent_binary"] = ev.parent_binary;
  add_ids(j, ev);
  if (ev.kind == PAL_EVENT_OPEN)
    j["access"] = access_names(ev.access);
  if (ev.kind == PAL_EVENT_RENAME) {
    j["target"] = ev.target;
    j["target_truncated"] = ev.target_truncated;
    j["target_unresolved"] = ev.target_unresolved;
  }
  return j;
}

// An action with the policy and rule behind it; null when there is none.
json decision_json(const Explanation &e, uint32_t action, uint32_t policy,
                   uint32_t rule_id) {
  if (action == PAL_ACT_NONE)
    return json();
  json d = {{"action", action_name(action)},
            {"policy", policy},
            {"rule_id", rule_id}};
  for (const auto &p : e.policies)
    if (p.index == policy && p.decided_by) {
      d["policy_name"] = p.name;
      d["file"] = p.decided_by->file;
      d["line"] = p.decided_by->line;
      d["col"] = p.decided_by->column;
      d["message"] = p.decided_by->message;
      if (!p.decided_by->label.empty())
        d["label"] = p.decided_by->label;
    }
  return d;
}

} // namespace

std::string explanation_json(const Explanation &e) {
  const Verdict &v = e.verdict;
  json atoms = json::array();
  for (const auto &a : e.atoms)
    atoms.push_back({{"id", a.id}, {"text", a.text}});
  json policies = json::array();
  for (const auto &p : e.policies)
    policies.push_back(policy_json(p));
  json j = {
      {"event", event_json(e.event)},
      {"action", action_name(v.action)},
      {"blocked", v.action >= PAL_ACT_DENY},
      {"fail_closed", v.fail_closed},
      {"decision", decision_json(e, v.action, v.policy, v.rule_id)},
      {"would", decision_json(e, v.would, v.would_policy, v.would_rule_id)},
      {"atoms", atoms},
      {"policies", policies}};
  return j.dump(2) + "\n";
}

} // namespace palisade::engine
