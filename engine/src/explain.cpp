// explain_exec(): the verdict from the reference evaluator, and the rules
// behind it, read from the same image bytes in the same order.
#include "palisade/engine/explain.h"

#include <map>

#include <palisade/abi.h>

#include "atom_meaning.h"
#include "image_decode.h"

namespace palisade::engine {
namespace {

pal_atom_set set_of(const std::vector<uint32_t> &ids) {
  pal_atom_set set{};
  for (uint32_t id : ids)
    if (id < PAL_MAX_ATOMS)
      set.bits[id / 64] |= __u64{1} << (id % 64);
  return set;
}

std::string literal_text(const std::map<uint32_t, AtomMeaning> &meanings,
                         uint32_t atom, bool negated) {
  auto it = meanings.find(atom);
  if (it != meanings.end())
    return atom_text(it->second, negated);
  // No entry names it: the atom can never hold.
  return (negated ? "not atom #" : "atom #") + std::to_string(atom);
}

TermExplanation explain_term(const pal_term &t, const pal_atom_set &set,
                             const std::map<uint32_t, AtomMeaning> &meanings) {
  TermExplanation out;
  out.holds = true;
  for (bool negated : {false, true})
    for (uint32_t id : atom_ids(negated ? t.must_not : t.must)) {
      LiteralExplanation lit;
      lit.atom = id;
      lit.negated = negated;
      lit.atom_held = has_atom(set.bits, id);
      lit.text = literal_text(meanings, id, negated);
      out.holds = out.holds && lit.holds();
      out.literals.push_back(std::move(lit));
    }
  return out;
}

RuleExplanation explain_rule(uint32_t index, const pal_rule &r,
                             const CompiledPolicy &compiled,
                             const ExecEvent &ev, const pal_atom_set &set,
                             const std::map<uint32_t, AtomMeaning> &meanings) {
  RuleExplanation out;
  out.index = index;
  out.rule_id = r.rule_id;
  out.action = r.action;
  for (uint32_t t = 0; t < r.n_terms && t < PAL_MAX_TERMS; ++t) {
    out.terms.push_back(explain_term(r.terms[t], set, meanings));
    out.holds = out.holds || out.terms.back().holds;
  }
  // The kernel's fail-closed rule replaces the condition (match.h).
  if (ev.path_unresolved) {
    out.holds = r.action >= PAL_ACT_DENY;
    out.fail_closed = out.holds;
  }
  if (r.rule_id < compiled.rules.size()) {
    const RuleInfo &info = compiled.rules[r.rule_id];
    out.file = info.loc.file_name();
    out.line = info.loc.line;
    out.column = info.loc.column;
    out.text = info.source_text;
    out.message = info.message;
  }
  return out;
}

std::vector<PolicyExplanation> policies_of(const CompiledPolicy &compiled) {
  std::vector<PolicyExplanation> out;
  for (const auto &e : map_entries(compiled.image, "policies")) {
    auto index = decode<uint32_t>(e.key, "policies key");
    if (index / PAL_MAX_POLICIES != compiled.image.slot)
      continue;
    PolicyExplanation p;
    p.index = index % PAL_MAX_POLICIES;
    p.mode = decode<pal_policy>(e.value, "policies value").mode;
    if (p.index < compiled.policies.size())
      p.name = compiled.policies[p.index].name;
    out.push_back(std::move(p));
  }
  return out;
}

} // namespace

std::string RuleExplanation::location() const {
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

const TermExplanation *RuleExplanation::deciding_term() const {
  for (const auto &t : terms)
    if (t.holds)
      return &t;
  return nullptr;
}

Explanation explain_exec(const CompiledPolicy &compiled, const ExecEvent &ev) {
  Explanation out;
  out.event = ev;
  out.verdict = evaluate_exec(compiled.image, compiled.n_rules, ev);
  const auto meanings = atom_meanings(compiled.image);
  for (uint32_t id : out.verdict.atoms)
    out.atoms.push_back({id, literal_text(meanings, id, false)});
  out.policies = policies_of(compiled);
  std::map<uint32_t, PolicyExplanation *> by_index;
  for (auto &p : out.policies)
    by_index[p.index] = &p;

  // The slot's rules in the order the kernel tries them (see evaluate.cpp).
  const pal_atom_set set = set_of(out.verdict.atoms);
  const uint32_t slot = compiled.image.slot & 1;
  std::map<uint32_t, pal_rule> rules;
  for (const auto &e : map_entries(compiled.image, "rules"))
    rules[decode<uint32_t>(e.key, "rules key")] =
        decode<pal_rule>(e.value, "rules value");
  for (uint32_t i = 0; i < compiled.n_rules && i < PAL_MAX_RULES; ++i) {
    auto it = rules.find(slot * PAL_MAX_RULES + i);
    if (it == rules.end())
      break;
    const pal_rule &r = it->second;
    auto pol = by_index.find(r.policy & (PAL_MAX_POLICIES - 1));
    if (r.event != PAL_EVENT_EXEC || pol == by_index.end())
      continue;
    PolicyExplanation &p = *pol->second;
    RuleExplanation rule = explain_rule(i, r, compiled, ev, set, meanings);
    if (p.decided_by) {
      if (rule.holds)
        p.shadowed.push_back(std::move(rule));
    } else if (rule.holds) {
      p.decided_by = std::move(rule);
    } else {
      p.not_held.push_back(std::move(rule));
    }
  }
  return out;
}

} // namespace palisade::engine
